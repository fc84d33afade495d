#!/usr/bin/env python3
"""Disassemble HotSpot [MachCode] hex dumps (PrintAssembly without a usable hsdis) with objdump.
usage: machdis.py log method-substring  -> prints disassembly of each matching nmethod's main code"""
import re, sys, subprocess, tempfile
log, want = sys.argv[1], sys.argv[2]
text = open(log, errors='replace').read()
blocks = text.split('============================= C')
for b in blocks:
    head = b[:400]
    m = re.search(r'Compiled method \((c[12])\)\s+\d+\s+\d+\s+([%sbn! ]*)\s*\d\s+(\S+)', head)
    if not m or want not in m.group(3) or m.group(1) != 'c2' or '%' in m.group(2):
        continue
    mc = b.split('[MachCode]', 1)
    if len(mc) < 2:
        continue
    body = mc[1].split('[/MachCode]')[0]
    data = {}
    for line in body.splitlines():
        lm = re.match(r'\s*0x([0-9a-f]+): ([0-9a-f| ]+)$', line)
        if lm:
            addr = int(lm.group(1), 16)
            hexs = lm.group(2).replace('|', '').replace(' ', '')
            data[addr] = bytes.fromhex(hexs)
    if not data:
        continue
    start = min(data)
    buf = bytearray()
    for a in sorted(data):
        off = a - start
        if len(buf) < off:
            buf.extend(b'\x90' * (off - len(buf)))
        buf[off:off + len(data[a])] = data[a]
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(buf)
    print('####', m.group(1), m.group(3), len(buf), 'bytes')
    out = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '--adjust-vma=%#x' % start, f.name],
                         capture_output=True, text=True).stdout
    print('\n'.join(out.splitlines()[7:]))
