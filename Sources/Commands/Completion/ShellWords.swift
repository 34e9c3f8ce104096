/// A command line split into words as a POSIX shell splits it: blanks separate words, single
/// quotes keep everything, double quotes keep all but `\"` and `\\`, a backslash escapes the next
/// character. Used for the line being completed (`ctr __complete`) and for `ctr shell`'s input.
struct ShellWords: Equatable {
    /// The complete words before the one under the cursor.
    var words: [String]
    /// The word under the cursor: empty when the line ends in a blank.
    var current: String
    /// A quote was left open.
    var unterminatedQuote: Bool
    /// The line ends inside a word (which may be an empty quoted one, `''`).
    var endsInWord: Bool

    init(words: [String], current: String, unterminatedQuote: Bool = false, endsInWord: Bool? = nil) {
        self.words = words
        self.current = current
        self.unterminatedQuote = unterminatedQuote
        self.endsInWord = endsInWord ?? !current.isEmpty
    }

    init(_ line: String) {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                word.append(character)
                escaped = false
                continue
            }
            switch quote {
            case "'":
                if character == "'" { quote = nil } else { word.append(character) }
                continue
            case "\"":
                if character == "\"" {
                    quote = nil
                } else if character == "\\" {
                    escaped = true
                } else {
                    word.append(character)
                }
                continue
            default:
                break
            }
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'", "\"":
                quote = character
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            default:
                word.append(character)
                inWord = true
            }
        }
        self.init(words: words, current: inWord ? word : "", unterminatedQuote: quote != nil, endsInWord: inWord)
    }

    /// Every word, the last one included: a whole line to run.
    var all: [String] { endsInWord ? words + [current] : words }
}
