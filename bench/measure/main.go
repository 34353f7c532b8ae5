// Command measure runs a command and prints its wall time and peak
// resident memory, as one line: `<label> <seconds> s <MiB> MiB exit=<code>`.
//
//	go run ./bench/measure -label "updplan apply" -- updplan apply -auto-approve
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	label := flag.String("label", "command", "what to call the command in the output")
	dir := flag.String("dir", "", "working directory")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: measure [-label L] [-dir D] -- command args...")
		os.Exit(2)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = *dir
	cmd.Stdout, cmd.Stderr = nil, os.Stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var maxRSS int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxRSS = int64(ru.Maxrss) // KiB on Linux
	}
	fmt.Printf("%-28s %7.3f s %8.1f MiB exit=%d\n", *label, elapsed.Seconds(), float64(maxRSS)/1024, code)
}
