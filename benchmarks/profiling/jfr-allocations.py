#!/usr/bin/env python3
"""Sums sampled bytes of jdk.ObjectAllocationSample events by class and allocating frames.
usage: jfr-allocations.py recording.jfr ..."""
import os,subprocess,sys,collections,re
def size(s):
    m=re.match(r'([\d.]+) (bytes|kB|MB|GB)',s.strip()); 
    return float(m.group(1))*{'bytes':1,'kB':1024,'MB':1<<20,'GB':1<<30}[m.group(2)] if m else 0
for f in sys.argv[1:]:
    p=subprocess.Popen([os.environ.get('JFR', 'jfr'),'print','--stack-depth','3','--events','jdk.ObjectAllocationSample',f],stdout=subprocess.PIPE,text=True)
    w=collections.Counter(); cls=None; top=None; frames=[]
    def flush():
        if cls: w[(cls,' < '.join(frames[:2]))]+=wt
    wt=0
    for line in p.stdout:
        if line.startswith('jdk.ObjectAllocationSample'):
            flush(); cls=None; frames=[]; wt=0
        elif 'objectClass =' in line: cls=line.split('=')[1].split('(')[0].strip()
        elif 'weight =' in line: wt=size(line.split('=')[1])
        elif 'line:' in line: frames.append(re.sub(r'\(.*\)','',line.strip().split(' line:')[0]).split('.')[-2]+'.'+re.sub(r'\(.*\)','',line.strip().split(' line:')[0]).split('.')[-1])
    flush()
    tot=sum(w.values()); print('==',f,'sampled MB',round(tot/2**20,1))
    for k,v in w.most_common(14): print(f'{100*v/tot:5.1f}%  {k[0]:45s} {k[1]}')
