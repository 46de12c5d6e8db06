#!/usr/bin/env bash
# Rebuilds R1_interview.ogg and R1_interview.vtt: a short made-up interview read by two synthetic
# voices (espeak-ng), so that the recording player can be tried on the sample study. The
# cue times are the spoken turns' own times, measured from the audio files sox writes.
# Needs espeak-ng and sox with Ogg Vorbis (Debian: espeak-ng sox libsox-fmt-all).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# speaker|voice|words
turns=(
  "Interviewer|en-gb|Thanks for talking to me today. How did you first come to see a link worker?"
  "R1|en-gb+f3|My doctor suggested it after my husband died. I wasn't sleeping and I'd stopped going out."
  "Interviewer|en-gb|And what happened at the first meeting?"
  "R1|en-gb+f3|She just listened. Nobody had asked me what mattered to me before. We talked for nearly an hour."
  "Interviewer|en-gb|What difference has it made, do you think?"
  "R1|en-gb+f3|I go to the walking group on Tuesdays now, and the lunch club. I have somewhere to be, and people notice if I'm not there."
  "Interviewer|en-gb|Is there anything you would change about the service?"
  "R1|en-gb+f3|Only that it ends. Twelve weeks goes quickly. I'd have liked to know I could come back."
)

gap=0.6
vtt="WEBVTT\n\n"
pieces=()
t=0.5
sox -n -r 16000 -c 1 "$work/lead.wav" trim 0 0.5
pieces+=("$work/lead.wav")
sox -n -r 16000 -c 1 "$work/gap.wav" trim 0 "$gap"
stamp() { awk -v s="$1" 'BEGIN { ms = int(s * 1000 + 0.5); printf "%02d:%02d:%02d.%03d", ms / 3600000, (ms / 60000) % 60, (ms / 1000) % 60, ms % 1000 }'; }
n=0
for turn in "${turns[@]}"; do
  IFS='|' read -r speaker voice words <<<"$turn"
  n=$((n + 1))
  espeak-ng -v "$voice" -s 150 -w "$work/raw$n.wav" "$words"
  sox "$work/raw$n.wav" -r 16000 -c 1 "$work/t$n.wav"
  d=$(soxi -D "$work/t$n.wav")
  start=$t
  end=$(awk -v a="$t" -v b="$d" 'BEGIN { printf "%.3f", a + b }')
  vtt+="$n\n$(stamp "$start") --> $(stamp "$end")\n<v $speaker>$words\n\n"
  pieces+=("$work/t$n.wav" "$work/gap.wav")
  t=$(awk -v a="$end" -v g="$gap" 'BEGIN { printf "%.3f", a + g }')
done
sox "${pieces[@]}" -C 0 R1_interview.ogg
printf "%b" "$vtt" > R1_interview.vtt
echo "R1_interview.ogg: $(soxi -D R1_interview.ogg) s, $(stat -c %s R1_interview.ogg) bytes; R1_interview.vtt: $n cues"
