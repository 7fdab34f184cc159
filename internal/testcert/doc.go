// Package testcert generates a throwaway PKI for TLS tests: a CA, a
// server certificate for 127.0.0.1 and localhost, and a client
// certificate, as PEM and as crypto/tls values.
//
//	pki := testcert.New(t)
//	srv := tls.NewListener(l, pki.ServerConfig(t)) // mutual TLS
//	pki.WriteClientFiles(t, dir)                   // ca.pem, cert.pem, key.pem
//
// Only tests import it: it imports "testing".
package testcert
