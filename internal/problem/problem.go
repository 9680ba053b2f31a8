// Package problem defines the errors mamori shows to people: a code that
// decides the HTTP status and a catalogue key for a translated, safe message.
// Internal details stay in the wrapped error and are only logged.
package problem

import (
	"errors"
	"fmt"
)

// Code classifies an error for the person who caused it.
type Code string

// The codes, each mapped to one HTTP status by the web layer.
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	TooMany      Code = "too_many"
	TooLarge     Code = "too_large"
	Internal     Code = "internal"
)

// Error is an error a person can be told about.
type Error struct {
	Code  Code
	Key   string // message key in the i18n catalogue
	Args  []any  // arguments of the message
	Field string // form field at fault, if any
	Err   error  // underlying cause, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Key, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Key)
}

func (e *Error) Unwrap() error { return e.Err }

// Message returns the catalogue key and arguments of the message, so that
// a message can hold another one as an argument (i18n.Catalogue.T
// translates it): an import names the row and the column, then says why
// the value was refused in the words the form uses.
func (e *Error) Message() (string, []any) { return e.Key, e.Args }

// New returns an error with code and message key.
func New(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Field returns an Invalid error about one form field.
func Field(field, key string, args ...any) *Error {
	return &Error{Code: Invalid, Key: key, Args: args, Field: field}
}

// ErrNotFound is returned for a record that does not exist or that the
// caller may not see: the two are deliberately indistinguishable.
var ErrNotFound = New(NotFound, "error.not_found")

// CodeOf returns the code of err, Internal when it carries none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
