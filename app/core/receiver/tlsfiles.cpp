#include "core/receiver/tlsfiles.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace {
struct BioFree
{
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free
{
    void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree
{
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

// No passphrase: an encrypted key fails instead of prompting on the terminal
// (a service has nobody to type it).
int noPassphrase(char*, int, int, void*)
{
    return 0;
}

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    ERR_clear_error(); // OpenSSL's queue is per thread: leave it empty for Qt's backend
    return false;
}

// Whole file, read by Qt (so the error names the cause the way the rest of
// the program does); bounded: a PEM file is a few kilobytes.
bool readPem(const QString& path, QByteArray& data, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
    data = file.read(4 * 1024 * 1024);
    if (data.isEmpty())
        return fail(error, QStringLiteral("%1 is empty").arg(path));
    return true;
}

Bio memoryBio(const QByteArray& data)
{
    return Bio(BIO_new_mem_buf(data.constData(), int(data.size())));
}

// Every certificate of a PEM file, in order.
std::vector<Cert> readCertificates(const QByteArray& data)
{
    std::vector<Cert> certs;
    Bio bio = memoryBio(data);
    while (bio) {
        Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert)
            break;
        certs.push_back(std::move(cert));
    }
    ERR_clear_error(); // the end of the file is a "no start line" error
    return certs;
}
} // namespace

bool checkServerTlsFiles(const QString& certFile, const QString& keyFile, QString* error)
{
    QByteArray certPem;
    QByteArray keyPem;
    if (!readPem(certFile, certPem, error) || !readPem(keyFile, keyPem, error))
        return false;
    const std::vector<Cert> certs = readCertificates(certPem);
    if (certs.empty())
        return fail(error, QStringLiteral("%1 holds no PEM certificate").arg(certFile));
    Bio bio = memoryBio(keyPem);
    const Key key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
    if (!key)
        return fail(error, QStringLiteral("%1 holds no unencrypted PEM private key").arg(keyFile));
    if (X509_check_private_key(certs.front().get(), key.get()) != 1)
        return fail(error,
                    QStringLiteral("the key in %1 does not belong to the certificate in %2").arg(keyFile, certFile));
    ERR_clear_error();
    return true;
}

bool checkCaFile(const QString& caFile, QString* error)
{
    QByteArray pem;
    if (!readPem(caFile, pem, error))
        return false;
    if (readCertificates(pem).empty())
        return fail(error, QStringLiteral("%1 holds no PEM certificate").arg(caFile));
    return true;
}

std::optional<QSslConfiguration> serverTlsConfiguration(const QString& certFile, const QString& keyFile, QString* error)
{
    if (!checkServerTlsFiles(certFile, keyFile, error))
        return std::nullopt;
    QByteArray certPem;
    QByteArray keyPem;
    if (!readPem(certFile, certPem, error) || !readPem(keyFile, keyPem, error))
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certPem, QSsl::Pem);
    QSslKey key;
    // QSslKey wants the algorithm named; OpenSSL already said the key is good.
    for (QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
        key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        // Other algorithms (Ed25519): hand Qt's OpenSSL backend the key itself.
        Bio bio = memoryBio(keyPem);
        EVP_PKEY* raw = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr;
        ERR_clear_error();
        if (raw)
            key = QSslKey(Qt::HANDLE(raw), QSsl::PrivateKey); // takes ownership
    }
    if (chain.isEmpty() || key.isNull()) {
        if (error)
            *error = QStringLiteral("Qt's TLS backend cannot use %1 and %2").arg(certFile, keyFile);
        return std::nullopt;
    }
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificateChain(chain);
    config.setPrivateKey(key);
    config.setProtocol(QSsl::TlsV1_2OrLater);
    config.setPeerVerifyMode(QSslSocket::VerifyNone); // no client certificates: the token says who
    return config;
}
