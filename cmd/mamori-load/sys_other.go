//go:build !linux

package main

import (
	"errors"
	"runtime"
	"syscall"
	"time"
)

var errNoProc = errors.New("needs Linux /proc")

func procAttr() *syscall.SysProcAttr { return nil }

type memory struct {
	rssMB, hwmMB float64
}

func readMemory(int) (memory, error)        { return memory{}, errNoProc }
func processCPU(int) (time.Duration, error) { return 0, errNoProc }
func cpuModel() string                      { return "unknown" }
func kernel() string                        { return runtime.GOOS }
func loadAverage() string                   { return "unknown" }

func machineCPU() (busy, total time.Duration, err error) { return 0, 0, errNoProc }
