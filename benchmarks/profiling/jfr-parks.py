#!/usr/bin/env python3
"""Counts jdk.ThreadPark events of a JFR recording by where they park (scope join, thread join, idle carrier).
usage: jfr-parks.py recording.jfr ...  (the jfr tool of JDK 25: on PATH or in $JFR)"""
import os,subprocess,sys,collections,re
def classify(s):
    if 'awaitThreadExits' in s: return 'Scope.awaitThreadExits -> Thread.join'
    if 'awaitTasks0' in s: return 'Scope.awaitTasks0 (join: wait for live==0)'
    if 'ThreadFlock.awaitAll' in s: return 'ThreadFlock.awaitAll (JDK join)'
    if 'Workers.runAll' in s: return 'Workers.runAll: JMH thread joins the owner vthread'
    if 'ForkJoinPool.awaitWork' in s: return 'carrier idle (FJP.awaitWork)'
    return 'other'
def unit(d):
    m=re.match(r'([\d.]+) (ms|us|s|ns)',d)
    if not m: return 0
    return float(m.group(1))*{'s':1,'ms':1e-3,'us':1e-6,'ns':1e-9}[m.group(2)]
for f in sys.argv[1:]:
    p=subprocess.Popen([os.environ.get('JFR', 'jfr'),'print','--stack-depth','10','--events','jdk.ThreadPark',f],stdout=subprocess.PIPE,text=True)
    c=collections.Counter(); d=collections.Counter(); cur=[]; dur=0
    for line in p.stdout:
        if line.startswith('jdk.ThreadPark'):
            if cur is not None and cur: k=classify(' '.join(cur)); c[k]+=1; d[k]+=dur
            cur=['x']; dur=0
        elif 'duration =' in line: dur=unit(line.split('=')[1].strip())
        else: cur.append(line.strip())
    if cur: k=classify(' '.join(cur)); c[k]+=1; d[k]+=dur
    print('==',f)
    for k,n in c.most_common(): print(f'{n:8d}  {d[k]*1e6/n:9.1f} us avg  {d[k]:7.3f} s total  {k}')
