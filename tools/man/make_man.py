#!/usr/bin/env python3
"""Writes a man page from a program's own help, or from a Markdown page.

  make_man.py help PROGRAM NAME SECTION VERSION OUT [--commands]
      runs `PROGRAM --help` (and, with --commands, `PROGRAM CMD --help` for
      every command its help lists) and sets the text in a page;
  make_man.py markdown FILE NAME SECTION VERSION OUT SUMMARY
      converts a Markdown page (headings, paragraphs, lists, code, tables).

Run at build time, so the pages say what the programs say.
"""
import re
import subprocess
import sys


def escape(text):
    """roff-safe text: backslashes doubled, leading dots and quotes guarded."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.split("\n"))


def header(name, section, version, summary):
    return [f'.TH "{name.upper()}" "{section}" "" "bytestore {version}" "bytestore"',
            ".SH NAME", f"{escape(name)} \\- {escape(summary)}"]


def preformatted(text):
    return [".PP", ".nf", ".ft CR", escape(text.rstrip("\n")), ".ft R", ".fi"]


def help_of(argv):
    run = subprocess.run(argv + ["--help"], capture_output=True, text=True, check=True)
    return run.stdout


def from_help(program, name, section, version, commands):
    text = help_of([program])
    lines = text.split("\n")
    usage = lines[0].removeprefix("usage: ")
    # The first paragraph after the usage line is the summary.
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    summary = body.split("\n\n", 1)[0].replace("\n", " ").strip().rstrip(".") or name
    page = header(name, section, version, summary)
    page += [".SH SYNOPSIS", ".B " + escape(usage)]
    page += [".SH DESCRIPTION"] + preformatted(body)
    if commands:
        names = []
        in_commands = False
        for line in lines:
            if line.startswith("Commands:"):
                in_commands = True
                continue
            if in_commands:
                if not line.strip():
                    break
                m = re.match(r"  ([a-z]+)", line)
                if m and m.group(1) not in names:
                    names.append(m.group(1))
        page.append(".SH COMMANDS")
        for command in names:
            page += [".SS " + escape(command)] + preformatted(help_of([program, command]))
    page += [".SH SEE ALSO", "\\fBbytestore\\fR(1), \\fBbytestore.yaml\\fR(5)"]
    return page


def inline(text):
    text = escape(text)
    text = re.sub(r"`([^`]*)`", r"\\fB\1\\fR", text)
    text = re.sub(r"\*\*([^*]*)\*\*", r"\\fB\1\\fR", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return text


def from_markdown(path, name, section, version, summary):
    page = header(name, section, version, summary)
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    paragraph = []

    def flush():
        if paragraph:
            page.extend([".PP", inline(" ".join(paragraph))])
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            flush()
            block = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                block.append(lines[i])
                i += 1
            page += [".PP", ".RS 4", ".nf", ".ft CR", escape("\n".join(block)), ".ft R", ".fi", ".RE"]
        elif line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            title = line.lstrip("#").strip()
            if level > 1:
                page.append((".SH " if level == 2 else ".SS ") + inline(title.upper() if level == 2 else title))
        elif line.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                    rows.append(cells)
                i += 1
            i -= 1
            for row in rows[1:]:
                page += [".TP", inline(row[0])] + [inline(" \\(em ".join(c for c in row[1:] if c))]
        elif re.match(r"\s*[-*] ", line):
            flush()
            item = [re.sub(r"^\s*[-*] ", "", line)]
            while i + 1 < len(lines) and lines[i + 1].startswith("  ") and lines[i + 1].strip():
                i += 1
                item.append(lines[i].strip())
            page += [".IP \\(bu 2", inline(" ".join(item))]
        elif not line.strip():
            flush()
        else:
            paragraph.append(line.strip())
        i += 1
    flush()
    page += [".SH SEE ALSO", "\\fBbytestore\\fR(1)"]
    return page


def main():
    mode = sys.argv[1]
    if mode == "help":
        program, name, section, version, out = sys.argv[2:7]
        page = from_help(program, name, section, version, "--commands" in sys.argv[7:])
    else:
        path, name, section, version, out, summary = sys.argv[2:8]
        page = from_markdown(path, name, section, version, summary)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(page) + "\n")


if __name__ == "__main__":
    main()
