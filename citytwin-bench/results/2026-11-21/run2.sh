#!/bin/bash
cd /work/wt-bench
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP=citytwin-bench/target/citytwin-bench.jar
R=/tmp/wtbench-results
$J -cp $CP io.citytwin.bench.LoadGenerator --connections 1 --scenarios query-type-q,query-near --runs 3 --duration 10 --warmup 5 > $R/query-c1.txt 2>&1
$J -cp $CP io.citytwin.bench.LoadGenerator --connections 4 --scenarios query-type-q,query-near --runs 3 --duration 10 --warmup 5 > $R/query-c4.txt 2>&1
$J -cp $CP io.citytwin.bench.LoadGenerator --scenarios update --runs 1 --duration 20 --warmup 5 > $R/update-threads.txt 2>&1 &
LG=$!
sleep 22
SP=$(pgrep -f "citytwin.jar serve" | head -1)
top -H -b -n 2 -d 5 -p $SP > $R/update-top.txt 2>&1
wait $LG
$J -cp $CP io.citytwin.bench.LoadGenerator --scenarios heap,restart --heap-entities 1000000 > $R/big-1m.txt 2>&1
$J -jar $CP -rf text -rff $R/jmh.txt > $R/jmh-log.txt 2>&1
echo ALLDONE > $R/done
