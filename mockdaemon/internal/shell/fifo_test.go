package shell

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestNamedPipes: mkfifo makes a named pipe (ls -l shows p, stat a
// fifo, test -p and find -type p find it); opening it waits for the
// other end, so a writer in the background meets cat; a reader no writer
// comes to is ended by timeout's signal (the open gives way when the
// process is killed); cp -a makes a new one.
func TestNamedPipes(t *testing.T) {
	got := run(t, withProc(t), sh(`mkfifo /f; mkfifo -m 600 /g; ls -l /f /g | cut -c1-10; stat -c "%F %a %s" /f
mkfifo /f; echo rc=$?; (echo hello > /f &); cat /f; cp -a /f /f2; ls -l /f2 | cut -c1-10
timeout 1 cat /g; echo rc=$?; test -p /f && echo isfifo; find / -maxdepth 1 -type p`), "", nil)
	assert.Equal(t, "prw-r--r--\nprw-------\nfifo 644 0\nrc=1\nhello\nprw-r--r--\nrc=143\nisfifo\n/f\n/f2\n/g\n", got.out)
	assert.Equal(t, "mkfifo: /f: File exists\nTerminated\n", got.err)
}
