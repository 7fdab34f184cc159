package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// PKI is a CA with a server certificate for 127.0.0.1/localhost and a
// client certificate, all generated in the test and valid for an hour
// either side of now. Keys are ECDSA P-256; every PEM is ready to write
// to ca.pem, cert.pem and key.pem.
type PKI struct {
	CAPEM, ServerCertPEM, ServerKeyPEM, ClientCertPEM, ClientKeyPEM []byte
	CA                                                              *x509.Certificate
}

var serial atomic.Int64

// New generates a fresh PKI: each call has its own CA, so two PKIs do not
// trust each other.
func New(t testing.TB) *PKI {
	t.Helper()
	caKey := newKey(t)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: "dockwire test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	p := &PKI{CA: ca, CAPEM: pemBlock("CERTIFICATE", caDER)}
	p.ServerCertPEM, p.ServerKeyPEM = p.leaf(t, caKey, "dockwire test server", x509.ExtKeyUsageServerAuth)
	p.ClientCertPEM, p.ClientKeyPEM = p.leaf(t, caKey, "dockwire test client", x509.ExtKeyUsageClientAuth)
	return p
}

func (p *PKI) leaf(t testing.TB, caKey *ecdsa.PrivateKey, cn string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial.Add(1)),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.CA, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pemBlock("CERTIFICATE", der), pemBlock("EC PRIVATE KEY", kder)
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// WriteClientFiles writes ca.pem, cert.pem and key.pem into dir (created).
func (p *PKI) WriteClientFiles(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"ca.pem": p.CAPEM, "cert.pem": p.ClientCertPEM, "key.pem": p.ClientKeyPEM} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// Pool is a cert pool holding p's CA, for a client's RootCAs.
func (p *PKI) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.CA)
	return pool
}

// ServerCertificate is the server certificate and key, for a
// tls.Config's Certificates.
func (p *PKI) ServerCertificate(t testing.TB) tls.Certificate {
	t.Helper()
	pair, err := tls.X509KeyPair(p.ServerCertPEM, p.ServerKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return pair
}

// ClientCertificate is the client certificate and key, for a
// tls.Config's Certificates.
func (p *PKI) ClientCertificate(t testing.TB) tls.Certificate {
	t.Helper()
	pair, err := tls.X509KeyPair(p.ClientCertPEM, p.ClientKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return pair
}

// ServerConfig requires and verifies client certificates signed by p's CA.
func (p *PKI) ServerConfig(t testing.TB) *tls.Config {
	t.Helper()
	return &tls.Config{
		Certificates: []tls.Certificate{p.ServerCertificate(t)},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    p.Pool(),
		MinVersion:   tls.VersionTLS12,
	}
}
