extension Duration {
    /// Whole milliseconds (truncated).
    public var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }

    /// Whole nanoseconds (truncated).
    public var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }

    /// Seconds with their fraction.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Duration {
    /// A Go-style duration as containerd's flags and config take them: `500ms`, `10s`, `1m30s`, `4h`.
    public static func parseGo(_ text: String) throws(CtrError) -> Duration {
        var total = Duration.zero
        var number = ""
        var unit = ""
        var parts: [(String, String)] = []
        for character in text {
            if character.isNumber || character == "." {
                if !unit.isEmpty {
                    parts.append((number, unit))
                    number = ""
                    unit = ""
                }
                number.append(character)
            } else {
                unit.append(character)
            }
        }
        parts.append((number, unit))
        for (value, unit) in parts {
            guard let amount = Double(value) else { throw .invalidArgument("invalid duration \"\(text)\"") }
            let seconds: Double
            switch unit {
            case "ns": seconds = amount / 1e9
            case "us", "µs": seconds = amount / 1e6
            case "ms": seconds = amount / 1e3
            case "s", "": seconds = amount
            case "m": seconds = amount * 60
            case "h": seconds = amount * 3600
            default: throw .invalidArgument("invalid duration \"\(text)\": unknown unit \"\(unit)\"")
            }
            total += .nanoseconds(Int64(seconds * 1e9))
        }
        return total
    }
}
