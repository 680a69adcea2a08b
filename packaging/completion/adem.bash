# bash completion for adem(1)                                  -*- shell-script -*-
# Installed as share/bash-completion/completions/adem. Completes the commands,
# the options of each command, session names (built-in and your own, from
# `adem list`), voice packs (`adem voices`), devices (`adem devices`), and
# files where a file is expected. Works with or without the bash-completion
# package. Keep the option lists in step with src/app/cli.c: tests/packaging/
# completion.sh compares them with `adem COMMAND --help`.

# The options of each command (src/app/cli.c, table `options`).
_adem_opts_session='--set --voice --rate --gap --tempo'
_adem_opts_mix='--volume --voice-level --tone-level --bed-level --mono --max-level'
_adem_opts_play="$_adem_opts_session $_adem_opts_mix --device --latency --channels --countdown --no-ui --verbose --pipe --format --web --help"
_adem_opts_render="$_adem_opts_session $_adem_opts_mix -o --output --format --help"
_adem_opts_check='--set --voice --tempo --help'
_adem_opts_show="$_adem_opts_session --json --svg --help"
_adem_opts_list='--help'
_adem_opts_voices='--help'
_adem_opts_record='--device --latency --rate --help'
_adem_opts_log='--help'
_adem_opts_devices='--help'
_adem_opts_ctl='--player --json --help'
_adem_commands='play render check show list voices record log ctl devices'

# Options that take a value (the next word, or after '=').
_adem_takes_value() {
    case $1 in
        --set | --voice | --rate | --volume | --voice-level | --tone-level | --bed-level | \
            --gap | --tempo | --max-level | -o | --output | --format | --device | --latency | \
            --channels | --countdown | --script | --svg | --player | --pipe | --web) return 0 ;;
    esac
    return 1
}

# Adds the words of $2 (one per line) that start with $1 to COMPREPLY,
# quoted for the command line.
_adem_add_lines() {
    local cur=$1 line
    while IFS= read -r line; do
        [[ -n $line && $line == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$line")")
    done <<<"$2"
}

# Adds the folders and files that start with $1; with $2 (extensions, e.g.
# "adem m3u") only files with one of those extensions, in any case.
_adem_add_files() {
    local cur=$1 exts=$2 f ext
    local IFS=$'\n'
    _adem_add_dirs "$cur"
    for f in $(compgen -f -- "$cur"); do
        [[ -d $f ]] && continue
        if [[ -z $exts ]]; then
            COMPREPLY+=("$f")
            continue
        fi
        ext=${f##*.}
        ext=$(printf '%s' "$ext" | tr '[:upper:]' '[:lower:]')
        [[ " $exts " == *" $ext "* && $f == *.* ]] && COMPREPLY+=("$f")
    done
}

# Adds the folders that start with $1.
_adem_add_dirs() {
    local f IFS=$'\n'
    compopt -o filenames 2>/dev/null
    for f in $(compgen -d -- "$1"); do COMPREPLY+=("$f"); done
}

# The first column of `adem list` / `adem voices` (without the header line).
_adem_names() {
    "$1" "$2" 2>/dev/null | tail -n +2 | while read -r name _; do printf '%s\n' "$name"; done
}

# Device indices and names from `adem devices`. A line is
# "[*] INDEX  HOST NAME CHANNELS RATE PLAY-AT" and the host API's name may hold
# spaces.
_adem_devices() {
    "$1" devices 2>/dev/null | tail -n +2 | while IFS= read -r line; do
        line=${line#?}                          # the default marker
        line=${line#"${line%%[! ]*}"}           # leading spaces
        local index=${line%% *} rest=${line#* } host name
        printf '%s\n' "$index"
        rest=${rest#"${rest%%[! ]*}"}
        for host in 'JACK Audio Connection Kit' 'Windows DirectSound' 'Windows WASAPI' \
            'Windows WDM-KS' 'Core Audio' 'ALSA' 'OSS' 'MME' 'ASIO' 'sndio' 'PulseAudio'; do
            if [[ $rest == "$host "* ]]; then
                rest=${rest#"$host"}
                break
            fi
        done
        [[ $rest == "$host"* ]] || rest=${rest#* } # an unknown host: one word
        rest=${rest#"${rest%%[! ]*}"}
        # drop the channels, rate and play-at columns at the end
        name=$(printf '%s\n' "$rest" | sed -e 's/\([[:space:]]\{1,\}[0-9]\{1,\}\)\{3\}[[:space:]]*$//')
        [[ -n $name ]] && printf '%s\n' "$name"
    done
}

# Completes the value of option $1 (the word being typed is $2; $3 is adem,
# $4 the command).
_adem_value() {
    local opt=$1 cur=$2 adem=$3 cmd=$4
    case $opt in
        --voice) _adem_add_lines "$cur" "$(_adem_names "$adem" voices)"; _adem_add_dirs "$cur" ;;
        --device) # `adem devices` lists output devices: not the microphone of record
            [[ $cmd == record ]] || _adem_add_lines "$cur" "$(_adem_devices "$adem")" ;;
        --svg) _adem_add_files "$cur" 'svg' ;;
        -o | --output) _adem_add_files "$cur" 'wav flac ogg' ;;
        --format) _adem_add_lines "$cur" $'s16\nf32' ;;
        --rate) _adem_add_lines "$cur" $'44100\n48000\n96000' ;;
        --channels) _adem_add_lines "$cur" $'1\n2\n4\n6\n8' ;;
        --tempo) _adem_add_lines "$cur" $'0.75\n1.0\n1.25' ;;
        --countdown) _adem_add_lines "$cur" $'5s\n10s\n30s\n1m' ;;
        --web) _adem_add_lines "$cur" $'8080\n0.0.0.0:8080\n127.0.0.1:0' ;;
        --script) _adem_add_files "$cur" '' ;;
        --pipe) _adem_add_files "$cur" '' ;; # a FIFO, e.g. /tmp/snapfifo
        *) ;; # a number, level or NAME=VALUE: nothing to offer
    esac
}

# The completion function: COMP_WORDS and COMP_CWORD in, COMPREPLY out.
_adem() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -n =: || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        # without bash-completion, '=' is a word of its own: --voice = nl
        if [[ $cur == = ]]; then
            cur=''
        elif [[ $prev == = && $cword -ge 2 ]]; then
            prev=${COMP_WORDS[COMP_CWORD - 2]}
        fi
    fi
    COMPREPLY=()
    local adem=${words[0]:-adem}
    [[ $adem == */* || $adem == adem ]] || adem=adem
    adem=${adem/#\~/$HOME}

    # the command: the first word after adem that is not an option
    local i cmd='' word
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        if [[ $word != -* ]]; then
            cmd=$word
            break
        fi
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _adem_add_lines "$cur" $'--help\n--version'
        else
            _adem_add_lines "$cur" "${_adem_commands// /$'\n'}"
        fi
        return 0
    fi
    case $cmd in
        help | --help | -h)
            _adem_add_lines "$cur" "${_adem_commands// /$'\n'}"
            return 0
            ;;
    esac

    # --option=value
    if [[ $cur == --*=* ]]; then
        local opt=${cur%%=*} val=${cur#*=} c
        _adem_takes_value "$opt" || return 0
        _adem_value "$opt" "$val" "$adem" "$cmd"
        for ((c = 0; c < ${#COMPREPLY[@]}; c++)); do COMPREPLY[c]="$opt=${COMPREPLY[c]}"; done
        compopt +o filenames 2>/dev/null
        return 0
    fi
    # the value of the option before
    if [[ $prev == -* ]] && _adem_takes_value "$prev"; then
        _adem_value "$prev" "$cur" "$adem" "$cmd"
        return 0
    fi

    local opts_var="_adem_opts_$cmd"
    if [[ $cur == -* ]]; then
        [[ -n ${!opts_var+x} ]] && _adem_add_lines "$cur" "${!opts_var// /$'\n'}"
        return 0
    fi
    case $cmd in
        play | render | show)
            _adem_add_lines "$cur" "$(_adem_names "$adem" list)"
            _adem_add_files "$cur" 'adem m3u'
            ;;
        check)
            _adem_add_files "$cur" 'adem m3u'
            ;;
        record | voices) # PACKDIR / PACK: a pack name or a folder (then cue IDs: nothing offered)
            local n=0
            for ((i = 2; i < cword; i++)); do
                [[ ${words[i]} == -* ]] && continue
                _adem_takes_value "${words[i - 1]}" && [[ ${words[i - 1]} == -* ]] && continue
                n=$((n + 1))
            done
            if ((n == 0)); then
                _adem_add_lines "$cur" "$(_adem_names "$adem" voices)"
                _adem_add_dirs "$cur"
            fi
            ;;
    esac
    return 0
}

complete -F _adem adem
