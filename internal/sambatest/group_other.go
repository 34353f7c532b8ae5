//go:build !unix

package sambatest

import "syscall"

func ownGroup() *syscall.SysProcAttr { return nil }
