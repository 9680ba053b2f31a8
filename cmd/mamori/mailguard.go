package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/mailrelay"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

// mailConfig is how `mamori serve` runs the mail guard (docs/mailguard.md).
type mailConfig struct {
	submission string // listen address for mail clients, e.g. ":587"; empty: no mail guard
	devices    string // listen address for office devices
	deviceNets string // comma-separated CIDRs allowed on the device port
	deviceOrg  string // the organisation (slug) device mail belongs to
	deviceUser string // the member (address) device mail is sent as
	cert, key  string // PEM files; empty: a self-signed certificate
	hostname   string
	maxMB      int
	// optional: a submission port taken is said and the mail guard left
	// off, rather than failing the start (the demo's choice).
	optional bool
}

func (m *mailConfig) register(fs *flag.FlagSet, e *env) {
	t := func(k string) string { return e.cat.T(e.locale, k) }
	fs.StringVar(&m.submission, "mail-submission", e.getenv("MAMORI_MAIL_SUBMISSION"), t("cli.flag.mail_submission"))
	fs.StringVar(&m.devices, "mail-devices", e.getenv("MAMORI_MAIL_DEVICES"), t("cli.flag.mail_devices"))
	fs.StringVar(&m.deviceNets, "mail-device-nets", e.getenv("MAMORI_MAIL_DEVICE_NETS"), t("cli.flag.mail_device_nets"))
	fs.StringVar(&m.deviceOrg, "mail-device-org", e.getenv("MAMORI_MAIL_DEVICE_ORG"), t("cli.flag.mail_device_org"))
	fs.StringVar(&m.deviceUser, "mail-device-user", e.getenv("MAMORI_MAIL_DEVICE_USER"), t("cli.flag.mail_device_user"))
	fs.StringVar(&m.cert, "mail-cert", e.getenv("MAMORI_MAIL_CERT"), t("cli.flag.mail_cert"))
	fs.StringVar(&m.key, "mail-key", e.getenv("MAMORI_MAIL_KEY"), t("cli.flag.mail_key"))
	fs.StringVar(&m.hostname, "mail-hostname", envOr(e.getenv, "MAMORI_MAIL_HOSTNAME", "localhost"), t("cli.flag.mail_hostname"))
	maxMB, _ := strconv.Atoi(envOr(e.getenv, "MAMORI_MAIL_MAX_MB", "25"))
	fs.IntVar(&m.maxMB, "mail-max-mb", maxMB, t("cli.flag.mail_max_mb"))
}

// startMailGuard starts the relay when a listener is configured; it
// returns nil otherwise. It stops when ctx ends; Wait on the result.
func startMailGuard(ctx context.Context, e *env, cfg config, db *store.DB, box *seal.Box, cat *i18n.Catalogue, log *slog.Logger, public string) (*mailrelay.Relay, error) {
	m := cfg.mail
	if m.submission == "" && m.devices == "" {
		return nil, nil
	}
	rc := mailrelay.Config{Submission: m.submission, Devices: m.devices, Hostname: m.hostname, MaxBytes: int64(m.maxMB) << 20,
		SpoolDir: mailSpool(cfg), BaseURL: public, PersonalData: mailrelay.NewPersonal()}
	if m.cert != "" || m.key != "" {
		c, err := tls.LoadX509KeyPair(m.cert, m.key)
		if err != nil {
			return nil, problem.New(problem.Invalid, "cli.mail_cert_unreadable", m.cert, err.Error())
		}
		rc.TLS = &tls.Config{Certificates: []tls.Certificate{c}, MinVersion: tls.VersionTLS12}
	}
	if m.devices != "" {
		for _, s := range strings.Split(m.deviceNets, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			p, err := netip.ParsePrefix(s)
			if err != nil {
				a, aerr := netip.ParseAddr(s)
				if aerr != nil {
					return nil, problem.New(problem.Invalid, "cli.mail_bad_net", s)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			rc.DeviceNets = append(rc.DeviceNets, p)
		}
		o, err := db.OrgBySlug(ctx, m.deviceOrg)
		if err != nil {
			return nil, problem.New(problem.Invalid, "cli.mail_device_org", m.deviceOrg)
		}
		u, err := db.UserByEmail(ctx, strings.ToLower(m.deviceUser))
		if err != nil {
			return nil, problem.New(problem.Invalid, "cli.mail_device_user", m.deviceUser)
		}
		rc.DeviceOrg, rc.DeviceUser = o.ID, u.ID
	}
	r, err := mailrelay.New(db, box, cat, log, rc)
	if err != nil {
		return nil, err
	}
	if err := r.Start(ctx); err != nil {
		if m.optional && errors.Is(err, syscall.EADDRINUSE) {
			e.say("cli.demo.mail_port_in_use", strings.TrimSpace(m.submission+" "+m.devices), "-mail-submission")
			return nil, nil
		}
		return nil, problem.New(problem.Invalid, "cli.cannot_listen", m.submission+" "+m.devices, err.Error())
	}
	e.say("cli.mail.listening", strings.TrimSpace(m.submission+" "+m.devices))
	return r, nil
}

// mailSpool is where accepted messages and sealed attachments live.
func mailSpool(cfg config) string { return filepath.Join(cfg.dataDir, "mailspool") }
