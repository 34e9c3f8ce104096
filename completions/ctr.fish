function __ctr_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __ctr_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __ctr_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __ctr_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __ctr_parse_tokens -S
    set -l unparsed_tokens (__ctr_tokens -pc)
    switch $unparsed_tokens[1]
    case 'ctr'
        __ctr_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'daemon'
            __ctr_parse_subcommand 0 'c/config=' 'l/log-level=' 'a/address=' 'root=' 'state=' 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'config'
                __ctr_parse_subcommand 0 'version' 'h/help'
                switch $unparsed_tokens[1]
                case 'default'
                    __ctr_parse_subcommand 0 'version' 'h/help'
                case 'dump'
                    __ctr_parse_subcommand 0 'c/config=' 'l/log-level=' 'a/address=' 'root=' 'state=' 'version' 'h/help'
                end
            end
        case 'version'
            __ctr_parse_subcommand 0 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'o/output=' 'version' 'h/help'
        case 'plugins'
            __ctr_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'q/quiet' 'd/detailed' 'o/output=' 'version' 'h/help'
            end
        case 'namespaces'
            __ctr_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __ctr_parse_subcommand -r 2 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'version' 'h/help'
            case 'list'
                __ctr_parse_subcommand 0 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'q/quiet' 'o/output=' 'version' 'h/help'
            case 'remove'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'version' 'h/help'
            case 'label'
                __ctr_parse_subcommand -r 2 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'version' 'h/help'
            end
        case 'images'
            __ctr_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'pull'
                __ctr_parse_subcommand 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'plain-http' 'hosts-dir=' 'u/user=' 'platform=+' 'all-platforms' 'q/quiet' 'version' 'h/help'
            case 'push'
                __ctr_parse_subcommand 2 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'plain-http' 'hosts-dir=' 'u/user=' 'q/quiet' 'version' 'h/help'
            case 'import'
                __ctr_parse_subcommand 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'base-name=' 'no-unpack' 'q/quiet' 'version' 'h/help'
            case 'export'
                __ctr_parse_subcommand -r 2 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'platform=+' 'all-platforms' 'version' 'h/help'
            case 'check'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'q/quiet' 'o/output=' 'version' 'h/help'
            case 'list'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'q/quiet' 'o/output=' 'version' 'h/help'
            case 'remove'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'sync' 'version' 'h/help'
            case 'tag'
                __ctr_parse_subcommand -r 2 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'force' 'version' 'h/help'
            case 'label'
                __ctr_parse_subcommand -r 2 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'version' 'h/help'
            end
        case 'content'
            __ctr_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'q/quiet' 'o/output=' 'version' 'h/help'
            case 'get'
                __ctr_parse_subcommand 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'version' 'h/help'
            case 'remove'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'version' 'h/help'
            case 'label'
                __ctr_parse_subcommand -r 2 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'version' 'h/help'
            case 'active'
                __ctr_parse_subcommand 0 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'o/output=' 'version' 'h/help'
            end
        case 'leases'
            __ctr_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'q/quiet' 'o/output=' 'version' 'h/help'
            case 'create'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'id=' 'version' 'h/help'
            case 'remove'
                __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'version' 'h/help'
            end
        case 'events'
            __ctr_parse_subcommand -r 1 'a/address=' 'n/namespace=' 'timeout=' 'connect-timeout=' 'debug' 'o/output=' 'version' 'h/help'
        case 'cri'
            __ctr_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'version'
                __ctr_parse_subcommand 0 'r/runtime-endpoint=' 'i/image-endpoint=' 'timeout=' 'o/output=' 'version' 'h/help'
            case 'info'
                __ctr_parse_subcommand 0 'r/runtime-endpoint=' 'i/image-endpoint=' 'timeout=' 'o/output=' 'version' 'h/help'
            end
        case 'help'
            __ctr_parse_subcommand -r 1 'version'
        end
    end
end

function __ctr_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __ctr_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __ctr_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __ctr_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__ctr_tokens -p)
    if test -z "$(__ctr_tokens -t)"
        set -l index (count (__ctr_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'ctr' -f
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'daemon' -d 'Run the ctr daemon (containerd API and CRI on one socket) in the foreground.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'version' -d 'Print the client and server versions.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'plugins' -d 'Provides information about daemon plugins.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'namespaces' -d 'Manage namespaces.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'images' -d 'Manage images.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'content' -d 'Manage content in the content store.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'leases' -d 'Manage leases.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'events' -d 'Display events as they happen.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'cri' -d 'Talk to a CRI runtime (crictl\'s commands).'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon" c config' -s 'c' -l 'config' -d 'Path to the configuration file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon" l log-level' -s 'l' -l 'log-level' -d 'Log level: trace, debug, info, warn, error, fatal.' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon" a address' -s 'a' -l 'address' -d 'Socket to serve on (default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon" root' -l 'root' -d 'Root directory for persistent data (default /var/lib/ctr).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon" state' -l 'state' -d 'State directory for runtime data (default /run/ctr).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr daemon" -eq 1' -fa 'config' -d 'Print the daemon\'s configuration.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr daemon config" -eq 1' -fa 'default' -d 'Print the embedded default configuration.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr daemon config" -eq 1' -fa 'dump' -d 'Print the effective configuration (file and flags applied).'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config default" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config default" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config dump" c config' -s 'c' -l 'config' -d 'Path to the configuration file.' -rfa '(for p in (string match -e -- \'*/\' (commandline -t);or printf \n)*.\'toml\';printf %s\n $p;end;__fish_complete_directories (commandline -t) \'\')'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config dump" l log-level' -s 'l' -l 'log-level' -d 'Log level: trace, debug, info, warn, error, fatal.' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config dump" a address' -s 'a' -l 'address' -d 'Socket to serve on (default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config dump" root' -l 'root' -d 'Root directory for persistent data (default /var/lib/ctr).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config dump" state' -l 'state' -d 'State directory for runtime data (default /run/ctr).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config dump" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr daemon config dump" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr version" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr version" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion version -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr version" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr version" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr version" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr version" o output' -s 'o' -l 'output' -d 'Output format: table, json or yaml.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr version" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr version" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr plugins" -eq 1' -fa 'list' -d 'List the daemon\'s plugins and their status.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion plugins list -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" q quiet' -s 'q' -l 'quiet' -d 'Print only the plugin IDs.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" d detailed' -s 'd' -l 'detailed' -d 'Print detailed information about each plugin.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" o output' -s 'o' -l 'output' -d 'Output format: table, json or yaml.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr plugins list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr namespaces" -eq 1' -fa 'create' -d 'Create a new namespace.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr namespaces" -eq 1' -fa 'list' -d 'List namespaces.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr namespaces" -eq 1' -fa 'remove' -d 'Remove one or more namespaces (they must be empty).'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr namespaces" -eq 1' -fa 'label' -d 'Set and clear labels for a namespace.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces create" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces create" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion namespaces create -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces create" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces create" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces create" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces create" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces list" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces list" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion namespaces list -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces list" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces list" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces list" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces list" q quiet' -s 'q' -l 'quiet' -d 'Print only the namespace names.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces list" o output' -s 'o' -l 'output' -d 'Output format: table, json or yaml.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces list" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces remove" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces remove" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion namespaces remove -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces remove" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces remove" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces remove" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr namespaces remove" -ge 1' -fka '(__ctr_custom_completion ---completion namespaces remove -- positional@0 (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces remove" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces label" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces label" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion namespaces label -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces label" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces label" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces label" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr namespaces label" -eq 1' -fka '(__ctr_custom_completion ---completion namespaces label -- positional@0 (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces label" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr namespaces label" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images" -eq 1' -fa 'pull' -d 'Pull an image from a registry.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images" -eq 1' -fa 'push' -d 'Push an image to a registry.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images" -eq 1' -fa 'import' -d 'Import images from an OCI or Docker archive.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images" -eq 1' -fa 'export' -d 'Export images to an OCI archive (also readable as a Docker archive).'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images" -eq 1' -fa 'check' -d 'Check that an image\'s content is all present.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images" -eq 1' -fa 'list' -d 'List images known to the daemon.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images" -eq 1' -fa 'remove' -d 'Remove one or more images by reference.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images" -eq 1' -fa 'tag' -d 'Tag an image: give SOURCE\'s target more names.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images" -eq 1' -fa 'label' -d 'Set and clear labels of an image.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion images pull -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" plain-http' -l 'plain-http' -d 'Use plain HTTP for the registry.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" hosts-dir' -l 'hosts-dir' -d 'Registry hosts directory, containerd\'s layout (<dir>/<host>/hosts.toml: mirrors, skip_verify, ca).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" u user' -s 'u' -l 'user' -d 'Registry credentials.' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull"' -l 'platform' -d 'Platform to pull (repeatable; default linux/amd64).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" all-platforms' -l 'all-platforms' -d 'Pull the content of every platform.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" q quiet' -s 'q' -l 'quiet' -d 'Print only the image\'s digest when done.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images pull" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion images push -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" plain-http' -l 'plain-http' -d 'Use plain HTTP for the registry.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" hosts-dir' -l 'hosts-dir' -d 'Registry hosts directory, containerd\'s layout (<dir>/<host>/hosts.toml: mirrors, skip_verify, ca).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" u user' -s 'u' -l 'user' -d 'Registry credentials.' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" q quiet' -s 'q' -l 'quiet' -d 'Print nothing but errors.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images push" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion images import -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" base-name' -l 'base-name' -d 'Repository to prefix bare tags with.' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" no-unpack' -l 'no-unpack' -d 'Do not unpack layers (unpacking comes with snapshots).'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" q quiet' -s 'q' -l 'quiet' -d 'Print only the image names.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images import" -eq 1' -F
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images export" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images export" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion images export -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images export" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images export" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images export" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images export"' -l 'platform' -d 'Platform to export (repeatable; default linux/amd64).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images export" all-platforms' -l 'all-platforms' -d 'Export every platform present.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr images export" -eq 1' -F
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images export" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images check" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images check" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion images check -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images check" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images check" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images check" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images check" q quiet' -s 'q' -l 'quiet' -d 'Print only the names of complete images.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images check" o output' -s 'o' -l 'output' -d 'Output format: table, json or yaml.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images check" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images list" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images list" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion images list -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images list" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images list" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images list" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images list" q quiet' -s 'q' -l 'quiet' -d 'Print only the image references.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images list" o output' -s 'o' -l 'output' -d 'Output format: table, json or yaml.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images list" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images remove" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images remove" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion images remove -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images remove" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images remove" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images remove" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images remove" sync' -l 'sync' -d 'Wait until the image\'s content is collected.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images remove" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images tag" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images tag" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion images tag -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images tag" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images tag" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images tag" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images tag" force' -l 'force' -d 'Replace a target name that already exists.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images tag" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images tag" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images label" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images label" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion images label -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images label" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images label" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images label" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images label" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr images label" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr content" -eq 1' -fa 'list' -d 'List all blobs in the content store.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr content" -eq 1' -fa 'get' -d 'Write a blob\'s bytes to stdout.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr content" -eq 1' -fa 'remove' -d 'Remove one or more blobs from the namespace.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr content" -eq 1' -fa 'label' -d 'Set and clear labels of a blob.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr content" -eq 1' -fa 'active' -d 'Display active transfers (ingests in progress).'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content list" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content list" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion content list -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content list" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content list" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content list" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content list" q quiet' -s 'q' -l 'quiet' -d 'Print only the digests.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content list" o output' -s 'o' -l 'output' -d 'Output format: table, json or yaml.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content list" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content get" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content get" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion content get -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content get" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content get" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content get" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content get" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content remove" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content remove" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion content remove -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content remove" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content remove" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content remove" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content remove" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content label" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content label" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion content label -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content label" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content label" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content label" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content label" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content label" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content active" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content active" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion content active -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content active" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content active" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content active" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content active" o output' -s 'o' -l 'output' -d 'Output format: table, json or yaml.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content active" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr content active" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr leases" -eq 1' -fa 'list' -d 'List leases.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr leases" -eq 1' -fa 'create' -d 'Create a lease.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr leases" -eq 1' -fa 'remove' -d 'Remove leases.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases list" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases list" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion leases list -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases list" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases list" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases list" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases list" q quiet' -s 'q' -l 'quiet' -d 'Print only the lease IDs.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases list" o output' -s 'o' -l 'output' -d 'Output format: table, json or yaml.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases list" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases create" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases create" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion leases create -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases create" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases create" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases create" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases create" id' -l 'id' -d 'The lease\'s ID (default: generated).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases create" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases remove" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases remove" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion leases remove -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases remove" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases remove" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases remove" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases remove" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr leases remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr events" a address' -s 'a' -l 'address' -d 'Address of the daemon\'s socket (env CONTAINERD_ADDRESS; default /run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr events" n namespace' -s 'n' -l 'namespace' -d 'Namespace to use (env CONTAINERD_NAMESPACE; default "default").' -rfka '(__ctr_custom_completion ---completion events -- --namespace (count (__ctr_tokens -pc)) (__ctr_tokens -tC))'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr events" timeout' -l 'timeout' -d 'Total timeout for each call (e.g. 10s, 1m; default none).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr events" connect-timeout' -l 'connect-timeout' -d 'How long to wait for the daemon\'s socket to accept connections (default 0: fail at once).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr events" debug' -l 'debug' -d 'Print debug information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr events" o output' -s 'o' -l 'output' -d 'Output format: table (one line per event) or json.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr events" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr events" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr cri" -eq 1' -fa 'version' -d 'Display runtime version information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_positional "ctr cri" -eq 1' -fa 'info' -d 'Display information of the container runtime.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri version" r runtime-endpoint' -s 'r' -l 'runtime-endpoint' -d 'CRI runtime endpoint (env CONTAINER_RUNTIME_ENDPOINT; default unix:///run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri version" i image-endpoint' -s 'i' -l 'image-endpoint' -d 'CRI image endpoint (env IMAGE_SERVICE_ENDPOINT; default: the runtime endpoint).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri version" timeout' -l 'timeout' -d 'Timeout of each call (default 2s).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri version" o output' -s 'o' -l 'output' -d 'Output format: table, json or yaml.' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri version" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri version" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri info" r runtime-endpoint' -s 'r' -l 'runtime-endpoint' -d 'CRI runtime endpoint (env CONTAINER_RUNTIME_ENDPOINT; default unix:///run/ctr/ctr.sock).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri info" i image-endpoint' -s 'i' -l 'image-endpoint' -d 'CRI image endpoint (env IMAGE_SERVICE_ENDPOINT; default: the runtime endpoint).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri info" timeout' -l 'timeout' -d 'Timeout of each call (default 2s).' -rfka ''
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri info" o output' -s 'o' -l 'output' -d 'Output format: json or yaml (table prints json).' -rfka 'table json yaml'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri info" version' -l 'version' -d 'Show the version.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr cri info" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'ctr' -n '__ctr_should_offer_completions_for_flags_or_options "ctr help" version' -l 'version' -d 'Show the version.'
