package mailguard

import (
	"bytes"
	"mime"
	"time"
)

// ZipName is the name of the zip that carries files: the only file's
// name with ".zip", or several (the caller's word for "attachments",
// e.g. 添付ファイル) with ".zip".
func ZipName(files []File, several string) string {
	if len(files) == 1 && files[0].Name != "" {
		return files[0].Name + ".zip"
	}
	return several + ".zip"
}

// ZipFiles replaces the top-level attachments of raw by one zip of them
// all, encrypted with AES-256 under password (WriteAESZip), named name,
// with note (plain text, UTF-8) in front of it. It returns the message
// and the zip's size; a message without attachments comes back as it was.
func ZipFiles(raw []byte, note, name, password string, modified time.Time) ([]byte, int, error) {
	files, err := Files(raw)
	if err != nil || len(files) == 0 {
		return raw, 0, nil
	}
	zf := make([]ZipFile, len(files))
	for i, f := range files {
		zf[i] = ZipFile{Name: f.Name, Data: f.Data, Modified: modified}
	}
	var zip bytes.Buffer
	if err := WriteAESZip(&zip, password, zf); err != nil {
		return nil, 0, err
	}
	var part bytes.Buffer
	// The name twice: RFC 2231 (filename*) for current clients and an
	// encoded word for those that read only name= (older Outlook).
	part.WriteString("Content-Type: " + mime.FormatMediaType("application/zip", map[string]string{"name": mime.BEncoding.Encode("UTF-8", name)}) + "\r\n")
	part.WriteString("Content-Disposition: " + mime.FormatMediaType("attachment", map[string]string{"filename": name}) + "\r\n")
	part.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	part.Write(base64Lines(zip.Bytes()))
	out, err := replaceFiles(raw, note, part.Bytes())
	return out, zip.Len(), err
}
