#!/usr/bin/python3
"""Reads and writes a directory exactly as LangChain's Python LocalFileStore
(langchain_classic.storage.file_system) does: the same key check, the same
path (root/KEY), the same in-place write, chmod of new files and of every
directory it creates, and the same listing by walking root/PREFIX.

  langchain_local_file_store.py ROOT write [CHMOD_FILE CHMOD_DIR]  < "key<TAB>hex" lines
  langchain_local_file_store.py ROOT read                          < keys, one per line
  langchain_local_file_store.py ROOT delete                        < keys, one per line
  langchain_local_file_store.py ROOT list [PREFIX]

read prints "key<TAB>hex" or "key<TAB>-" (missing); list prints keys.
Modes are octal ("600"); "-" leaves it to the umask.
"""
import os
import re
import sys
from pathlib import Path

KEY = re.compile(r"^[a-zA-Z0-9_.\-/]+$")


class Store:
    def __init__(self, root, chmod_file=None, chmod_dir=None):
        self.root = Path(root).absolute()
        self.chmod_file = chmod_file
        self.chmod_dir = chmod_dir

    def path_of(self, key):
        if not KEY.match(key):
            raise ValueError(f"invalid characters in key: {key}")
        full = (self.root / key).resolve()
        root = self.root.resolve()
        if os.path.commonpath([root, full]) != str(root):
            raise ValueError(f"key outside the root: {key}")
        return full

    def make_dirs(self, path):
        if path.exists():
            return
        self.make_dirs(path.parent)
        path.mkdir(exist_ok=True)
        if self.chmod_dir is not None:
            path.chmod(self.chmod_dir)

    def mset(self, pairs):
        for key, value in pairs:
            path = self.path_of(key)
            self.make_dirs(path.parent)
            path.write_bytes(value)
            if self.chmod_file is not None:
                path.chmod(self.chmod_file)

    def mget(self, keys):
        out = []
        for key in keys:
            path = self.path_of(key)
            out.append(path.read_bytes() if path.exists() else None)
        return out

    def mdelete(self, keys):
        for key in keys:
            path = self.path_of(key)
            if path.exists():
                path.unlink()

    def yield_keys(self, prefix=None):
        start = self.path_of(prefix) if prefix else self.root
        for file in start.rglob("*"):
            if file.is_file():
                yield str(file.relative_to(self.root))


def mode(text):
    return None if text == "-" else int(text, 8)


def main():
    root, command = sys.argv[1], sys.argv[2]
    lines = [] if command == "list" else sys.stdin.read().splitlines()
    if command == "write":
        modes = sys.argv[3:5] if len(sys.argv) > 4 else ["-", "-"]
        store = Store(root, mode(modes[0]), mode(modes[1]))
        store.mset([(k, bytes.fromhex(v)) for k, v in (line.split("\t") for line in lines)])
        return
    store = Store(root)
    if command == "read":
        for key, value in zip(lines, store.mget(lines)):
            print(f"{key}\t{'-' if value is None else value.hex()}")
    elif command == "delete":
        store.mdelete(lines)
    elif command == "list":
        for key in store.yield_keys(sys.argv[3] if len(sys.argv) > 3 else None):
            print(key)


if __name__ == "__main__":
    main()
