package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// The uploads kept between an import's preview and its apply: a file is
// kept server-side, so that what is applied is exactly what was previewed
// and the browser sends back only an id. They live in the database (see
// store.PendingImport): each belongs to one user in one organisation, at
// most store.PendingImportsPerUser of them per user, for an hour; they
// survive a restart and reach every app server. The file may hold
// personal data, so it is sealed at rest with the server's secret key.

// upload is one file from the import form or the API.
type upload struct {
	name    string
	data    []byte
	kind    importer.Kind
	format  importer.Format
	service string
}

// uploadContext binds a sealed file to its owner and its row, so that a
// sealed file copied to another row or another user does not open.
func uploadContext(org, user int64, hash string) string {
	return fmt.Sprintf("import:%d:%d:%s", org, user, hash)
}

// uploadHash is how a token is stored: the database never holds the id
// the browser sends.
func uploadHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// keepUpload stores u for user in org and returns the random token the
// form carries to the apply.
func (s *Server) keepUpload(ctx context.Context, org, user int64, u upload) (string, error) {
	b := make([]byte, 16)
	rand.Read(b)
	token := hex.EncodeToString(b)
	hash := uploadHash(token)
	p := store.PendingImport{OrgID: org, UserID: user, Name: u.name, Kind: string(u.kind), Format: string(u.format), Service: u.service, Data: u.data}
	if s.Box != nil {
		p.Data, p.Sealed = s.Box.SealBytes(u.data, uploadContext(org, user, hash)), true
	}
	if err := s.DB.PutPendingImport(ctx, hash, p); err != nil {
		return "", err
	}
	return token, nil
}

// pendingUpload returns the upload token names if it belongs to user in
// org and has not expired; anything else is not found, indistinguishably.
func (s *Server) pendingUpload(ctx context.Context, org, user int64, token string) (upload, error) {
	expired := problem.New(problem.NotFound, "intake.upload_expired")
	if len(token) != 32 {
		return upload{}, expired
	}
	if _, err := hex.DecodeString(token); err != nil {
		return upload{}, expired
	}
	hash := uploadHash(token)
	p, err := s.DB.PendingImport(ctx, hash, org, user)
	if problem.CodeOf(err) == problem.NotFound {
		return upload{}, expired
	}
	if err != nil {
		return upload{}, err
	}
	data := p.Data
	if p.Sealed {
		if s.Box == nil {
			return upload{}, expired
		}
		if data, err = s.Box.OpenBytes(p.Data, uploadContext(org, user, hash)); err != nil {
			return upload{}, fmt.Errorf("open pending import: %w", err)
		}
	}
	return upload{name: p.Name, data: data, kind: importer.Kind(p.Kind), format: importer.Format(p.Format), service: p.Service}, nil
}

// dropUpload forgets an upload once applied.
func (s *Server) dropUpload(ctx context.Context, org, user int64, token string) error {
	return s.DB.DeletePendingImport(ctx, uploadHash(token), org, user)
}
