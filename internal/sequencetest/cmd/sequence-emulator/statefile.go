package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/sequencehq/terraform-provider-sequence/internal/sequencetest"
)

// stateFile keeps the emulator's policies in a file across restarts.
type stateFile struct {
	path     string
	emulator *sequencetest.Emulator

	// mu serialises saves; each takes its snapshot inside the lock, so a later save never
	// writes an older store than an earlier one.
	mu sync.Mutex
}

// load restores the policies saved in the file. A missing file is a fresh start; it is written at
// once, so a path that cannot be written fails now rather than at the first change. Anything else
// that cannot be read is an error: starting empty would silently lose the saved policies at the
// next save.
func (s *stateFile) load() error {
	f, err := os.Open(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := s.save(); err != nil {
			return fmt.Errorf("-state-file %s: cannot create it: %w", s.path, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("-state-file %s: cannot read it: %w", s.path, err)
	}
	defer f.Close()
	if err := s.emulator.ReadState(f); err != nil {
		return fmt.Errorf("-state-file %s: cannot load it (%w); fix or remove the file, nothing was changed", s.path, err)
	}
	return nil
}

// save writes the store to a temporary file in the same directory and renames it over the state
// file, so a crash mid-save leaves the previous file intact.
func (s *stateFile) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tmp, err := os.CreateTemp(filepath.Dir(s.path), "."+filepath.Base(s.path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	err = s.emulator.WriteState(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.path)
}
