#pragma once

#include <QSslConfiguration>
#include <QString>

#include <optional>

// The PEM files behind --tls-cert/--tls-key (the receiver) and --ca-file (the
// reporter), checked with OpenSSL itself so the command line can refuse them
// before any Qt application object exists: unreadable, not PEM, or a key
// that is not the certificate's are errors, said in one sentence each.

// The certificate file (the server's certificate, optionally followed by the
// intermediates of its chain) and its private key (unencrypted PEM, any
// algorithm OpenSSL reads: RSA, EC, Ed25519).
bool checkServerTlsFiles(const QString& certFile, const QString& keyFile, QString* error);
// A PEM bundle of one or more CA certificates.
bool checkCaFile(const QString& caFile, QString* error);

// The receiver's TLS server configuration from those files (TLS 1.2 or
// later, no client certificates asked for). nullopt with `error` when Qt's
// TLS backend cannot use them.
std::optional<QSslConfiguration> serverTlsConfiguration(const QString& certFile, const QString& keyFile,
                                                        QString* error);
