//go:build !unix

package pgtest

import "syscall"

// Only unix systems have a root user that initdb refuses; elsewhere the
// server runs as the current user.
func (r *runAs) sysProcAttr() *syscall.SysProcAttr { return nil }
