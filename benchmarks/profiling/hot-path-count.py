#!/usr/bin/env python3
"""Counts instructions, locked instructions and branches of a disassembly between two addresses (hex).
usage: hot-path-count.py file.asm START END"""
import re,sys
# count instructions in [start,end] excluding objdump continuation lines; list loads/locked/branches
f,start,end=sys.argv[1],int(sys.argv[2],16),int(sys.argv[3],16)
n=loads=locked=br=0
for l in open(f):
    p=l.rstrip('\n').split('\t')
    if len(p)<3 or not p[2].strip(): continue
    a=int(p[0].strip().rstrip(':'),16)
    if start<=a<=end:
        t=p[2]; n+=1
        if t.startswith('lock'): locked+=1
        if re.match(r'j',t): br+=1
        if re.match(r'(mov|movzbl|cmp|test|incq)\b.*\(',t) and not re.search(r',\s*\(|,0x[0-9a-f]+\(%',t.split(None,1)[1] if ' ' in t else ''): loads+=1
print(f, 'instructions',n,'locked',locked,'branches',br,'memory reads (approx)',loads)
