#!/bin/bash
cd /work/main
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP=citytwin-bench/target/citytwin-bench.jar
date -u > /tmp/bench2/start
$J -cp $CP io.citytwin.bench.LoadGenerator --runs 3 > /tmp/bench2/http64.txt 2>&1
$J -cp $CP io.citytwin.bench.LoadGenerator --connections 1 --scenarios query-type-q,query-near --runs 3 --duration 10 --warmup 5 > /tmp/bench2/q1.txt 2>&1
$J -cp $CP io.citytwin.bench.LoadGenerator --connections 4 --scenarios query-type-q,query-near --runs 3 --duration 10 --warmup 5 > /tmp/bench2/q4.txt 2>&1
$J -cp $CP io.citytwin.bench.LoadGenerator --scenarios heap,restart --heap-entities 1000000 > /tmp/bench2/heap.txt 2>&1
date -u > /tmp/bench2/end
