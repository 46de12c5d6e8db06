#!/usr/bin/env python3
"""Regenerate the byte-sensitive transcript fixtures in this folder.

These fixtures cannot be edited safely in a text editor: they carry a BOM,
UTF-16 or Windows-1252 bytes, CRLF or lone-CR line endings, trailing spaces,
control characters, raw binary, or are .docx archives. Everything else in this
folder is a plain UTF-8 (LF) file edited by hand.

    pip install python-docx
    python3 make_binary_fixtures.py

All content is synthetic (an invented social-prescribing interview).
The .docx files embed a creation time, so regenerating them changes their
bytes but not their text.
"""

import io
import os
import random

from docx import Document

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def lf(lines):
    return "\n".join(lines) + "\n"


# --- 01: UTF-8 with BOM, typed transcript (the BOM must not end up in "Interviewer")
write("01-utf8-bom.txt", b"\xef\xbb\xbf" + lf([
    "Interviewer: Thanks for making time for this. Could you start by telling me how you heard about the scheme?",
    "",
    "P06: It was my GP, really. She said there was a gardening group at the community centre.",
    "",
    "Interviewer: And what did you think when she suggested it?",
    "",
    "P06: Honestly? I thought it sounded daft. But I went.",
]).encode("utf-8"))

# --- 02: UTF-16LE with BOM and CRLF (Notepad "Unicode")
text02 = "\r\n".join([
    "Interviewer: Where do you usually meet the group?",
    "",
    "P06: At the café by the canal – the one with the green door.",
    "",
    "Interviewer: Is it easy to get to?",
    "",
    "P06: Two buses. It’s fine when the 42 runs on time.",
]) + "\r\n"
write("02-utf16le-bom.txt", b"\xff\xfe" + text02.encode("utf-16-le"))

# --- 03: Windows-1252 (Word "Save as Plain Text", Western encoding), CRLF
text03 = "\r\n".join([
    "Interviewer: What was the first session at the garden like?",
    "",
    "P06: I’d never done anything like it – a room full of strangers… and then someone said “Right, kettle’s on.”",
    "",
    "Interviewer: Did that help?",
    "",
    "P06: It did. I met Renée there; she’s lovely.",
]) + "\r\n"
write("03-windows-1252.txt", text03.encode("cp1252"))

# --- 04: lone CR line endings (classic Mac), including a two-paragraph turn
text04 = "\r".join([
    "Interviewer: Can you describe a typical Tuesday at the garden?",
    "",
    "P06: We start at ten. Someone puts the kettle on first, always.",
    "",
    "Then we look at the board to see what needs doing.",
    "",
    "Interviewer: And who decides?",
    "",
    "P06: Whoever turns up first, mostly.",
]) + "\r"
write("04-lone-cr.txt", text04.encode("utf-8"))

# --- 37: Zoom cloud-recording VTT, CRLF line endings
zoom_cues = [
    ("00:00:03.210", "00:00:07.432", "Ruth Adeyemi: Thanks for joining me today. Before we start, can I just check you're still"),
    ("00:00:07.432", "00:00:08.940", "Ruth Adeyemi: happy for me to record?"),
    ("00:00:09.800", "00:00:11.620", "P06: Yes, that's fine. Go ahead."),
    ("00:00:12.100", "00:00:16.480", "Ruth Adeyemi: Great. So to start with, could you tell me how you first heard about the"),
    ("00:00:16.480", "00:00:17.360", "Ruth Adeyemi: social prescribing scheme?"),
    ("00:00:18.020", "00:00:23.700", "P06: It was my GP, really. I'd been going in about my back and she asked how I was"),
    ("00:00:23.700", "00:00:28.150", "P06: getting on generally, and I sort of burst into tears, which isn't like me."),
    ("00:00:28.900", "00:00:30.200", "Ruth Adeyemi: That sounds like a lot."),
    ("00:00:30.800", "00:00:37.880", "P06: It was. My husband had died the year before and I just wasn't going anywhere. So she said there's a link worker"),
    ("00:00:37.880", "00:00:41.100", "P06: who can find you things to do, and I thought, well, what have I got to lose?"),
    ("00:00:41.900", "00:00:45.320", "Ruth Adeyemi: And what happened when you met the link worker?"),
    ("00:00:46.010", "00:00:52.740", "P06: She came round to the house, actually. We had a cup of tea and she asked what I used to enjoy."),
]
lines = ["WEBVTT", ""]
for i, (a, b, t) in enumerate(zoom_cues, 1):
    lines += [str(i), f"{a} --> {b}", t, ""]
write("37-zoom.vtt", "\r\n".join(lines).encode("utf-8"))

# --- 40: OneDrive/Stream auto-caption VTT: BOM, no speakers, wrapped cues,
#         empty cues, a repeated identifier with overlapping times
onedrive = """WEBVTT

0a8e2f7c-1b3d-4e5f-8a9b-1ea4c0496138-0
00:00:03.210 --> 00:00:08.940
Thanks for joining me today. Before we start, can I just
check you're still happy for me to record?

5d2c7a10-9e4b-4c2a-b7f1-0c3e9a6d2b57-0
00:00:09.800 --> 00:00:11.620
Yes, that's fine. Go ahead.

5d2c7a10-9e4b-4c2a-b7f1-0c3e9a6d2b57-1
00:00:11.620 --> 00:00:12.000

8b41e6d3-2f7a-4d19-a3c5-6e0f1b9d4a82-0
00:00:12.100 --> 00:00:17.360
Great. So to start with, could you tell me how you
first heard about the social prescribing scheme?

c7e93f25-6a1d-4b8e-9f02-3d5a7c1e8b64-0
00:00:18.020 --> 00:00:24.310
It was my GP, really. I'd been going in about my back
and she asked how I was getting on generally.

c7e93f25-6a1d-4b8e-9f02-3d5a7c1e8b64-0
00:00:23.900 --> 00:00:28.150
And I sort of burst into tears, which isn't like me.

e21f8a6b-4c3d-4f7e-8b9a-5d6c2e1f0a93-0
00:00:28.150 --> 00:00:28.400

f3a9b2c1-7d6e-4a5b-9c8d-2e1f0a3b4c5d-0
00:00:28.900 --> 00:00:30.200
That sounds like a lot.
"""
write("40-onedrive.vtt", b"\xef\xbb\xbf" + onedrive.encode("utf-8"))

# --- 44: Otter TXT: "Name  m:ss  " headers with two trailing spaces, footer
otter = [
    ("Ruth Adeyemi", "0:03", ["Thanks for joining me today. Before we start, can I just check you're still happy for me to record?"]),
    ("Speaker 2", "0:09", ["Yes, that's fine. Go ahead."]),
    ("Ruth Adeyemi", "0:12", ["Great. So to start with, could you tell me how you first heard about the social prescribing scheme?"]),
    ("Speaker 2", "0:18", ["It was my GP, really. I'd been going in about my back and she asked how I was getting on generally, and I sort of burst into tears, which isn't like me."]),
    ("Unknown Speaker", "0:28", ["Mm-hmm."]),
    ("Speaker 2", "0:29", ["My husband had died the year before. I just wasn't going anywhere."]),
    ("Ruth Adeyemi", "59:08", ["And what did you think when she suggested the garden?"]),
    ("Speaker 2", "59:27", ["I thought it sounded daft. But I went, and now I'm there twice a week.", "Tuesdays and Fridays, mostly."]),
    ("Ruth Adeyemi", "1:02:26", ["Thank you so much, that's really helpful. I'll stop the recording now."]),
]
out = []
for name, ts, body in otter:
    out.append(f"{name}  {ts}  ")
    out += body
    out.append("")
out.append("Transcribed by https://otter.ai")
write("44-otter.txt", lf(out).encode("utf-8"))

# --- 56: empty file
write("56-empty.txt", b"")

# --- 57: binary junk (NULs at odd and even offsets, so it cannot pass for UTF-16)
rng = random.Random(20250312)
junk = bytearray(b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00")
for _ in range(1000):
    junk.append(0 if rng.random() < 0.15 else rng.randrange(1, 256))
write("57-binary.txt", bytes(junk))

# --- 59: UTF-16BE with BOM
text59 = lf([
    "Interviewer: Do you still go to the walking group?",
    "",
    "P06: On Thursdays, yes – unless my knee’s playing up.",
    "",
    "Interviewer: And the garden?",
    "",
    "P06: Every Tuesday. I wouldn’t miss it.",
])
write("59-utf16be-bom.txt", b"\xfe\xff" + text59.encode("utf-16-be"))

# --- 60: UTF-16LE without BOM (a hand-made converter)
text60 = lf([
    "Interviewer: How did you get on with the forms?",
    "",
    "P06: Badly. My daughter filled them in for me in the end.",
    "",
    "Interviewer: Was that a problem?",
    "",
    "P06: Not really. She's good with that sort of thing.",
])
write("60-utf16le-no-bom.txt", text60.encode("utf-16-le"))

# --- 64: control characters in the text (BEL, ESC) from a bad copy and paste
text64 = lf([
    "Interviewer: Do you keep in touch with anyone from the group outside the sessions?",
    "",
    "P06: Pat rings me on a Sunday.\x07 We talk about the telly, mostly.",
    "",
    "Interviewer: That sounds nice.",
    "",
    "P06: It is.\x1b[0m She's a good friend now.",
])
write("64-control-characters.txt", text64.encode("utf-8"))


# --- Teams "Download as .docx"
def teams_docx(title, date, started, turns, stopped, leading_break=True, split_runs=True):
    doc = Document()
    doc.add_paragraph(title)
    doc.add_paragraph(date)
    doc.add_paragraph(started)
    for speaker, ts, lines in turns:
        p = doc.add_paragraph()
        if leading_break:
            p.add_run().add_break()
        if split_runs:
            p.add_run(speaker)
            p.add_run("   " + ts)
        else:
            p.add_run(f"{speaker}   {ts}")
        p.add_run().add_break()
        for i, line in enumerate(lines):
            r = p.add_run(line)
            if i < len(lines) - 1:
                r.add_break()
    doc.add_paragraph(stopped)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


RA = "Adeyemi, Ruth"
GUEST = "Participant 06 (Guest)"

# 30: one paragraph per turn, header and speech separated by <w:br/> (no leading break)
write("30-docx-line-breaks.docx", teams_docx(
    "Garden follow-up P06-20250402_140210-Meeting Recording",
    "2 April 2025, 2:02pm",
    "Ruth Adeyemi started transcription",
    [
        (RA, "0:04", ["How have things been since we last spoke?"]),
        (GUEST, "0:08", ["Up and down. The garden was shut for two weeks,",
                         "because of the frost,",
                         "and I really missed it."]),
        (RA, "0:21", ["That's a long time without it."]),
    ],
    "Ruth Adeyemi stopped transcription",
    leading_break=False, split_runs=False))

# 31: localised (German) title, date and transcription markers
write("31-docx-localised-markers.docx", teams_docx(
    "Interview P07-20250403_091500-Besprechungsaufzeichnung",
    "3. April 2025, 09:15",
    "Ruth Adeyemi hat die Transkription gestartet",
    [
        (RA, "0:02", ["Danke, dass Sie sich Zeit nehmen. Darf ich das Gespräch aufnehmen?"]),
        ("Teilnehmer 07 (Gast)", "0:07", ["Ja, natürlich."]),
        (RA, "0:10", ["Wie sind Sie zum Gartenprojekt gekommen?"]),
        ("Teilnehmer 07 (Gast)", "0:15", ["Über meine Hausärztin. Sie hat mir einen Flyer gegeben."]),
    ],
    "Ruth Adeyemi hat die Transkription beendet"))

# 41: realistic Teams DOCX (leading break, speaker and time in separate runs)
TEAMS_TURNS = [
    (RA, "0:03", ["Thanks for joining me today. Before we start, can I just",
                  "check you're still happy for me to record?"]),
    (GUEST, "0:09", ["Yes, that's fine. Go ahead."]),
    (RA, "0:12", ["Great. So to start with, could you tell me how you first heard about",
                  "the social prescribing scheme?"]),
    (GUEST, "0:18", ["It was my GP, really. I'd been going in about my back and she asked how I was",
                     "getting on generally, and I sort of burst into tears, which isn't like me."]),
    (RA, "0:28", ["That sounds like a lot."]),
    (GUEST, "0:30", ["It was. My husband had died the year before and I just wasn't going anywhere."]),
    (GUEST, "0:37", ["So she said there's a link worker who can find you things to do,",
                     "and I thought, well, what have I got to lose?"]),
    (RA, "0:41", ["And what happened when you met the link worker?"]),
    (GUEST, "0:46", ["She came round to the house, actually. We had a cup of tea and she asked",
                     "what I used to enjoy, and I said gardening, straight away. We had an",
                     "allotment for years, my husband and me."]),
    (RA, "1:02:26", ["Thank you so much, that's really helpful. I'll stop the recording now."]),
]
teams41 = teams_docx(
    "Social prescribing interview P06-20250312_101503-Meeting Recording",
    "12 March 2025, 10:15am",
    "Ruth Adeyemi started transcription",
    TEAMS_TURNS,
    "Ruth Adeyemi stopped transcription")
write("41-teams.docx", teams41)

# 58: the first half of a valid .docx (no central directory)
write("58-truncated.docx", teams41[: len(teams41) // 2])

# --- 42: researcher-typed Word document: bold labels, a tab after one label,
#         a header zone, and a turn that continues over two paragraphs
doc = Document()
for line in ["Interview ID: P06", "Date: 12/03/2025", "Location: participant's home"]:
    doc.add_paragraph(line)
typed = [
    ("RA:", " ", "Thanks for agreeing to talk to me. Could you start by telling me how you came to the scheme?"),
    ("P06:", " ", "My GP suggested it, after my husband died. I wasn't keen."),
    (None, None, "But my daughter said I should give it a month, so I did."),
    ("RA:", "\t", "And what was the first month like?"),
    ("P06:", " ", "Hard. I didn't know anyone, and I'm not one for chatting."),
    ("RA:", " ", "What helped?"),
    ("P06:", " ", "Barbara. She gave me a job on the first day, potting on the tomatoes."),
]
for label, sep, text in typed:
    p = doc.add_paragraph()
    if label:
        p.add_run(label).bold = True
        if sep == "\t":
            p.add_run().add_tab()
        else:
            p.add_run(sep)
    p.add_run(text)
buf = io.BytesIO()
doc.save(buf)
write("42-typed.docx", buf.getvalue())
