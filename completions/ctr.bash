#!/bin/bash

__ctr_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__ctr_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__ctr_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__ctr_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_ctr() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    daemon|version|plugins|namespaces|images|content|leases|snapshots|containers|tasks|run|oci|events|cri|doctor|help)
        # Offer subcommand argument completions
        "_ctr_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'daemon version plugins namespaces images content leases snapshots containers tasks run oci events cri doctor help' -- "${cur}"))
        ;;
    esac
}

_ctr_daemon() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-c --config -l --log-level -a --address --root --state)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-c'|'--config')
        __ctr_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '-l'|'--log-level')
        return
        ;;
    '-a'|'--address')
        return
        ;;
    '--root')
        return
        ;;
    '--state')
        return
        ;;
    esac

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    config)
        # Offer subcommand argument completions
        "_ctr_daemon_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'config' -- "${cur}"))
        ;;
    esac
}

_ctr_daemon_config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    default|dump)
        # Offer subcommand argument completions
        "_ctr_daemon_config_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'default dump' -- "${cur}"))
        ;;
    esac
}

_ctr_daemon_config_default() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0
}

_ctr_daemon_config_dump() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-c --config -l --log-level -a --address --root --state)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-c'|'--config')
        __ctr_add_completions -o plusdirs -fX '!*.@(toml)'
        return
        ;;
    '-l'|'--log-level')
        return
        ;;
    '-a'|'--address')
        return
        ;;
    '--root')
        return
        ;;
    '--state')
        return
        ;;
    esac
}

_ctr_version() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion version -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_plugins() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list)
        # Offer subcommand argument completions
        "_ctr_plugins_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list' -- "${cur}"))
        ;;
    esac
}

_ctr_plugins_list() {
    repeating_flags=()
    non_repeating_flags=(--debug -q --quiet -d --detailed --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion plugins list -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_namespaces() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|remove|label)
        # Offer subcommand argument completions
        "_ctr_namespaces_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list remove label' -- "${cur}"))
        ;;
    esac
}

_ctr_namespaces_create() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion namespaces create -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_namespaces_list() {
    repeating_flags=()
    non_repeating_flags=(--debug -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion namespaces list -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_namespaces_remove() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion namespaces remove -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion namespaces remove -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_namespaces_label() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion namespaces label -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion namespaces label -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_images() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    pull|push|import|export|check|list|remove|tag|label)
        # Offer subcommand argument completions
        "_ctr_images_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'pull push import export check list remove tag label' -- "${cur}"))
        ;;
    esac
}

_ctr_images_pull() {
    repeating_flags=()
    non_repeating_flags=(--debug --plain-http --no-unpack --all-platforms -q --quiet --version -h --help)
    repeating_options=(--platform)
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --hosts-dir -u --user --snapshotter)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion images pull -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--hosts-dir')
        return
        ;;
    '-u'|'--user')
        return
        ;;
    '--snapshotter')
        return
        ;;
    '--platform')
        return
        ;;
    esac
}

_ctr_images_push() {
    repeating_flags=()
    non_repeating_flags=(--debug --plain-http -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --hosts-dir -u --user)
    __ctr_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion images push -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--hosts-dir')
        return
        ;;
    '-u'|'--user')
        return
        ;;
    esac
}

_ctr_images_import() {
    repeating_flags=()
    non_repeating_flags=(--debug --no-unpack -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --base-name --snapshotter)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion images import -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--base-name')
        return
        ;;
    '--snapshotter')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -f
        return
        ;;
    esac
}

_ctr_images_export() {
    repeating_flags=()
    non_repeating_flags=(--debug --all-platforms --version -h --help)
    repeating_options=(--platform)
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion images export -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -f
        return
        ;;
    esac
}

_ctr_images_check() {
    repeating_flags=()
    non_repeating_flags=(--debug -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion images check -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_images_list() {
    repeating_flags=()
    non_repeating_flags=(--debug -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion images list -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_images_remove() {
    repeating_flags=()
    non_repeating_flags=(--debug --sync --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion images remove -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_images_tag() {
    repeating_flags=()
    non_repeating_flags=(--debug --force --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion images tag -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_images_label() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion images label -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_content() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|get|fetch|ingest|remove|label|active)
        # Offer subcommand argument completions
        "_ctr_content_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list get fetch ingest remove label active' -- "${cur}"))
        ;;
    esac
}

_ctr_content_list() {
    repeating_flags=()
    non_repeating_flags=(--debug -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion content list -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_content_get() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion content get -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_content_fetch() {
    repeating_flags=()
    non_repeating_flags=(--debug --plain-http --all-platforms -q --quiet --version -h --help)
    repeating_options=(--platform)
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --hosts-dir -u --user)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion content fetch -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--hosts-dir')
        return
        ;;
    '-u'|'--user')
        return
        ;;
    '--platform')
        return
        ;;
    esac
}

_ctr_content_ingest() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=(--label)
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --expected-size --expected-digest)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion content ingest -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--expected-size')
        return
        ;;
    '--expected-digest')
        return
        ;;
    '--label')
        return
        ;;
    esac
}

_ctr_content_remove() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion content remove -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_content_label() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion content label -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_content_active() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion content active -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_leases() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|create|remove)
        # Offer subcommand argument completions
        "_ctr_leases_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list create remove' -- "${cur}"))
        ;;
    esac
}

_ctr_leases_list() {
    repeating_flags=()
    non_repeating_flags=(--debug -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion leases list -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_leases_create() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --id)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion leases create -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--id')
        return
        ;;
    esac
}

_ctr_leases_remove() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion leases remove -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_snapshots() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|info|tree|usage|prepare|view|mounts|commit|remove|label)
        # Offer subcommand argument completions
        "_ctr_snapshots_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list info tree usage prepare view mounts commit remove label' -- "${cur}"))
        ;;
    esac
}

_ctr_snapshots_list() {
    repeating_flags=()
    non_repeating_flags=(--debug -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots list -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_snapshots_info() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots info -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    esac
}

_ctr_snapshots_tree() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots tree -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    esac
}

_ctr_snapshots_usage() {
    repeating_flags=()
    non_repeating_flags=(--debug -b --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots usage -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    esac
}

_ctr_snapshots_prepare() {
    repeating_flags=()
    non_repeating_flags=(--debug --mounts --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter --target -t)
    __ctr_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots prepare -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    '--target'|'-t')
        return
        ;;
    esac
}

_ctr_snapshots_view() {
    repeating_flags=()
    non_repeating_flags=(--debug --mounts --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter --target -t)
    __ctr_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots view -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    '--target'|'-t')
        return
        ;;
    esac
}

_ctr_snapshots_mounts() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter)
    __ctr_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots mounts -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    esac
}

_ctr_snapshots_commit() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter)
    __ctr_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots commit -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    esac
}

_ctr_snapshots_remove() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots remove -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    esac
}

_ctr_snapshots_label() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion snapshots label -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    esac
}

_ctr_containers() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|info|delete|label)
        # Offer subcommand argument completions
        "_ctr_containers_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list info delete label' -- "${cur}"))
        ;;
    esac
}

_ctr_containers_create() {
    repeating_flags=()
    non_repeating_flags=(--debug -t --tty --net-host --version -h --help)
    repeating_options=(--env --mount --label)
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter --memory-limit --cpus --cwd --runtime)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion containers create -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    '--env')
        return
        ;;
    '--mount')
        return
        ;;
    '--memory-limit')
        return
        ;;
    '--cpus')
        return
        ;;
    '--cwd')
        return
        ;;
    '--label')
        return
        ;;
    '--runtime')
        return
        ;;
    esac
}

_ctr_containers_list() {
    repeating_flags=()
    non_repeating_flags=(--debug -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion containers list -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_containers_info() {
    repeating_flags=()
    non_repeating_flags=(--debug --spec --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion containers info -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_containers_delete() {
    repeating_flags=()
    non_repeating_flags=(--debug --keep-snapshot --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion containers delete -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_containers_label() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion containers label -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_tasks() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    start|list|kill|delete|exec|attach|ps|pause|resume|metrics)
        # Offer subcommand argument completions
        "_ctr_tasks_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'start list kill delete exec attach ps pause resume metrics' -- "${cur}"))
        ;;
    esac
}

_ctr_tasks_start() {
    repeating_flags=()
    non_repeating_flags=(--debug -d --detach -t --tty --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks start -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_tasks_list() {
    repeating_flags=()
    non_repeating_flags=(--debug -q --quiet --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks list -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_tasks_kill() {
    repeating_flags=()
    non_repeating_flags=(--debug --all --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -s --signal --exec-id)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks kill -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-s'|'--signal')
        return
        ;;
    '--exec-id')
        return
        ;;
    esac
}

_ctr_tasks_delete() {
    repeating_flags=()
    non_repeating_flags=(--debug -f --force --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --exec-id)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks delete -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--exec-id')
        return
        ;;
    esac
}

_ctr_tasks_exec() {
    repeating_flags=()
    non_repeating_flags=(--debug -t --tty -d --detach --version -h --help)
    repeating_options=(--env)
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --exec-id --cwd)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks exec -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--exec-id')
        return
        ;;
    '--cwd')
        return
        ;;
    '--env')
        return
        ;;
    esac
}

_ctr_tasks_attach() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks attach -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_tasks_ps() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks ps -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_tasks_pause() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks pause -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_tasks_resume() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks resume -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_tasks_metrics() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --format)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion tasks metrics -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--format')
        return
        ;;
    esac
}

_ctr_run() {
    repeating_flags=()
    non_repeating_flags=(--debug -t --tty --net-host --rm -d --detach --version -h --help)
    repeating_options=(--env --mount --label)
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout --snapshotter --memory-limit --cpus --cwd --runtime)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion run -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    '--env')
        return
        ;;
    '--mount')
        return
        ;;
    '--memory-limit')
        return
        ;;
    '--cpus')
        return
        ;;
    '--cwd')
        return
        ;;
    '--label')
        return
        ;;
    '--runtime')
        return
        ;;
    esac
}

_ctr_oci() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    spec)
        # Offer subcommand argument completions
        "_ctr_oci_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'spec' -- "${cur}"))
        ;;
    esac
}

_ctr_oci_spec() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion oci spec -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_events() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion events -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    version|info|runtime-config|runp|stopp|rmp|pods|inspectp|statsp|metricsp|metricdescs|create|start|stop|rm|ps|inspect|update|run|stats|exec|attach|port-forward|logs|images|pull|inspecti|rmi|imagefsinfo|events|load|save|tag)
        # Offer subcommand argument completions
        "_ctr_cri_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'version info runtime-config runp stopp rmp pods inspectp statsp metricsp metricdescs create start stop rm ps inspect update run stats exec attach port-forward logs images pull inspecti rmi imagefsinfo events load save tag' -- "${cur}"))
        ;;
    esac
}

_ctr_cri_version() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_info() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_runtime-config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_runp() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --runtime)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--runtime')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    esac
}

_ctr_cri_stopp() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri stopp -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_rmp() {
    repeating_flags=()
    non_repeating_flags=(-f --force -a --all --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri rmp -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_pods() {
    repeating_flags=()
    non_repeating_flags=(-l --latest -q --quiet -v --verbose --no-trunc --version -h --help)
    repeating_options=(--label)
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --id --name --namespace -s --state -n --last -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--id')
        return
        ;;
    '--name')
        return
        ;;
    '--namespace')
        return
        ;;
    '-s'|'--state')
        return
        ;;
    '--label')
        return
        ;;
    '-n'|'--last')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_inspectp() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri inspectp -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_statsp() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--label)
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --id -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--id')
        return
        ;;
    '--label')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_metricsp() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --id -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--id')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_metricdescs() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_create() {
    repeating_flags=()
    non_repeating_flags=(--no-pull --with-pull --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --pull-timeout)
    __ctr_offer_flags_options 3

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--pull-timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri create -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __ctr_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    3)
        __ctr_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    esac
}

_ctr_cri_start() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri start -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_stop() {
    repeating_flags=()
    non_repeating_flags=(-a --all --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -t --stop-timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-t'|'--stop-timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri stop -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_rm() {
    repeating_flags=()
    non_repeating_flags=(-f --force -a --all --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri rm -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_ps() {
    repeating_flags=()
    non_repeating_flags=(-a --all -l --latest -q --quiet -v --verbose --no-trunc --version -h --help)
    repeating_options=(--label)
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --id --name -p --pod --image -s --state -n --last -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--id')
        return
        ;;
    '--name')
        return
        ;;
    '-p'|'--pod')
        return
        ;;
    '--image')
        return
        ;;
    '-s'|'--state')
        return
        ;;
    '--label')
        return
        ;;
    '-n'|'--last')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_inspect() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri inspect -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_update() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --cpu-period --cpu-quota --cpu-share --cpuset-cpus --cpuset-mems --memory)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--cpu-period')
        return
        ;;
    '--cpu-quota')
        return
        ;;
    '--cpu-share')
        return
        ;;
    '--cpuset-cpus')
        return
        ;;
    '--cpuset-mems')
        return
        ;;
    '--memory')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri update -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_run() {
    repeating_flags=()
    non_repeating_flags=(--no-pull --with-pull --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --pull-timeout --runtime)
    __ctr_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--pull-timeout')
        return
        ;;
    '--runtime')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    2)
        __ctr_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    esac
}

_ctr_cri_stats() {
    repeating_flags=()
    non_repeating_flags=(-a --all -w --watch --version -h --help)
    repeating_options=(--label)
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --id -p --pod -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--id')
        return
        ;;
    '-p'|'--pod')
        return
        ;;
    '--label')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_exec() {
    repeating_flags=()
    non_repeating_flags=(-s --sync -t --tty -i --interactive --url-only --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address --image-endpoint --timeout --transport)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--transport')
        __ctr_add_completions -W 'spdy'$'\n''websocket'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri exec -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_attach() {
    repeating_flags=()
    non_repeating_flags=(-t --tty -i --interactive --url-only --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address --image-endpoint --timeout --transport)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--transport')
        __ctr_add_completions -W 'spdy'$'\n''websocket'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri attach -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_port-forward() {
    repeating_flags=()
    non_repeating_flags=(--url-only --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --listen-address --transport)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--listen-address')
        return
        ;;
    '--transport')
        __ctr_add_completions -W 'spdy'$'\n''websocket'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri port-forward -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_logs() {
    repeating_flags=()
    non_repeating_flags=(-f --follow -t --timestamps -p --previous --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --tail --since)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--tail')
        return
        ;;
    '--since')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri logs -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_images() {
    repeating_flags=()
    non_repeating_flags=(-q --quiet -v --verbose --digests --no-trunc --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri images -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_pull() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --creds --auth -u --username --pod-config --pull-timeout)
    __ctr_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--creds')
        return
        ;;
    '--auth')
        return
        ;;
    '-u'|'--username')
        return
        ;;
    '--pod-config')
        __ctr_add_completions -o plusdirs -fX '!*.@(json|yaml|yml)'
        return
        ;;
    '--pull-timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri pull -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_inspecti() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri inspecti -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_rmi() {
    repeating_flags=()
    non_repeating_flags=(-a --all -p --prune --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri rmi -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_imagefsinfo() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_events() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout -o --output)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '-o'|'--output')
        __ctr_add_completions -W 'table'$'\n''json'$'\n''yaml'
        return
        ;;
    esac
}

_ctr_cri_load() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout --snapshotter --base-name)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--snapshotter')
        return
        ;;
    '--base-name')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __ctr_add_completions -f
        return
        ;;
    esac
}

_ctr_cri_save() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--platform)
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    '--platform')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -f
        return
        ;;
    *)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri save -- positional@1 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_cri_tag() {
    repeating_flags=()
    non_repeating_flags=(--force --version -h --help)
    repeating_options=()
    non_repeating_options=(-r --runtime-endpoint --address -i --image-endpoint --timeout)
    __ctr_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-r'|'--runtime-endpoint')
        return
        ;;
    '--address')
        return
        ;;
    '-i'|'--image-endpoint')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion cri tag -- positional@0 "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_ctr_doctor() {
    repeating_flags=()
    non_repeating_flags=(--debug --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --address -n --namespace --timeout --connect-timeout)
    __ctr_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-a'|'--address')
        return
        ;;
    '-n'|'--namespace')
        __ctr_add_completions -W "$(__ctr_custom_complete ---completion doctor -- --namespace "${COMP_CWORD}" "$(__ctr_cursor_index_in_current_word)")"
        return
        ;;
    '--timeout')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    esac
}

_ctr_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __ctr_offer_flags_options -1
}

complete -o filenames -F _ctr ctr
