package store

import (
	"fmt"
	"os"
	"time"
)

// ThisProcess is the holder this process records when it locks a state
// directory to run command.
func ThisProcess(command string) Holder {
	host, _ := os.Hostname()
	return Holder{PID: os.Getpid(), Host: host, Started: time.Now().UTC(), Command: command}
}

// LeaseName names the holder in a domain's ownership lease, which other
// machines read: "HOST pid 42: COMMAND".
func (h Holder) LeaseName() string { return fmt.Sprintf("%s pid %d: %s", h.Host, h.PID, h.Command) }

// Locker is f's lock for holder in the shape migrate.SessionOptions.Lock
// takes: it locks a domain and returns the function that unlocks it.
func (f *File) Locker(holder Holder) func(domain string) (func() error, error) {
	return func(domain string) (func() error, error) {
		l, err := f.Lock(domain, holder)
		if err != nil {
			return nil, err
		}
		return l.Unlock, nil
	}
}
