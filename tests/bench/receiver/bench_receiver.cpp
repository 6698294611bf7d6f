// Benchmark (not a test): POST /logs on loopback, Stevedore's receiver against
// a minimal reference of the original's design (its FastAPI handler read the
// whole logs.json array, appended the entry and wrote the file back), with 0,
// 10 000 and 100 000 entries already stored, side by side in one run.
//
// One client on one keep-alive connection sends the entries one after the
// other and times each round trip; both servers run on a second thread with
// their own event loop, as they would in the app. Entries are the original's
// LogEntry with one container per category (what the manager keeps).
//
//   bench_receiver [requests per size (default 2000)] [original design time budget per size in s (default 20)]
#include "core/model/logentry.h"
#include "core/receiver/logreceiver.h"
#include "core/store/logstore.h"

#include "core/model/snapshotjson.h"

#include <nlohmann/json.hpp>

#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>
#include <QTimeZone>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
QByteArray entry(qint64 seq)
{
    Snapshot s;
    s.source = QStringLiteral("kmod");
    s.timestamp = QDateTime(QDate(2024, 3, 1), QTime(0, 0), QTimeZone::utc()).addSecs(seq * 10);
    s.system.memoryTotalBytes = 8ull << 30;
    s.system.memoryAvailableBytes = 5ull << 30;
    s.system.memoryUsedBytes = 3ull << 30;
    s.system.cpuPercent = 37.5;
    const Category cats[] = { Category::Cpu, Category::Ram, Category::Io, Category::Disk };
    for (int i = 0; i < 4; ++i) {
        ContainerMetrics c;
        c.id = QStringLiteral("%1").arg(seq * 4 + i, 12, 16, QLatin1Char('0'));
        c.name = QStringLiteral("stress_%1").arg(i);
        c.processName = QStringLiteral("stress");
        c.pid = 40000 + i;
        c.category = cats[i];
        c.cmdline = QStringLiteral("stress --cpu 1 --vm 1 --vm-bytes 64M");
        c.cpuPercent = 97.3;
        c.memoryBytes = 64ull << 20;
        c.memoryPercent = 0.8;
        c.readBytes = quint64(seq) * 4096;
        c.writeBytes = quint64(seq) * 8192;
        c.readOps = quint64(seq);
        c.writeOps = quint64(seq) * 2;
        s.containers.append(c);
    }
    const json e
        = { { "timestamp", toRfc3339(s.timestamp).toStdString() }, { "sysinfo", snapshotToOriginalSysinfo(s) } };
    return QByteArray::fromStdString(e.dump());
}

// A keep-alive HTTP/1.1 client on a blocking socket: nothing but the round
// trip is timed.
class Client
{
public:
    explicit Client(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = {};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            std::perror("connect");
    }
    ~Client() { ::close(m_fd); }

    int post(const QByteArray& body)
    {
        const QByteArray req = "POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                               "Content-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        qsizetype sent = 0;
        while (sent < req.size()) {
            const ssize_t n = ::send(m_fd, req.constData() + sent, size_t(req.size() - sent), MSG_NOSIGNAL);
            if (n <= 0)
                return 0;
            sent += n;
        }
        // Read one response: headers, then Content-Length bytes.
        while (true) {
            const qsizetype end = m_buf.indexOf("\r\n\r\n");
            if (end >= 0) {
                const QByteArray head = m_buf.left(end).toLower();
                const qsizetype cl = head.indexOf("content-length:");
                const qint64 len
                    = cl >= 0 ? head.mid(cl + 15, head.indexOf('\r', cl) - cl - 15).trimmed().toLongLong() : 0;
                if (m_buf.size() >= end + 4 + len) {
                    const int status = m_buf.mid(9, 3).toInt();
                    m_buf.remove(0, end + 4 + len);
                    return status;
                }
            }
            char chunk[16384];
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (n <= 0)
                return 0;
            m_buf.append(chunk, n);
        }
    }

private:
    int m_fd = -1;
    QByteArray m_buf;
};

struct Result
{
    int requests = 0;
    double seconds = 0;
    double p50ms = 0;
    double p99ms = 0;
    int failures = 0;
    double perSecond() const { return seconds > 0 ? requests / seconds : 0; }
};

Result measure(quint16 port, qint64 firstSeq, int maxRequests, double budgetSeconds)
{
    Client client(port);
    std::vector<double> ms;
    Result r;
    const auto start = Clock::now();
    for (int i = 0; i < maxRequests; ++i) {
        const QByteArray body = entry(firstSeq + i);
        const auto t0 = Clock::now();
        if (client.post(body) / 100 != 2)
            ++r.failures;
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (std::chrono::duration<double>(Clock::now() - start).count() > budgetSeconds && i >= 2)
            break;
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    r.requests = int(ms.size());
    std::sort(ms.begin(), ms.end());
    r.p50ms = ms[ms.size() / 2];
    r.p99ms = ms[std::min(ms.size() - 1, size_t(double(ms.size()) * 0.99))];
    return r;
}

// Runs `f` on the servers' thread and waits for it.
template<typename F> void onServerThread(QObject* context, F f)
{
    QMetaObject::invokeMethod(context, f, Qt::BlockingQueuedConnection);
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int requests = argc > 1 ? std::atoi(argv[1]) : 2000;
    const double originalBudget = argc > 2 ? std::atof(argv[2]) : 20.0;
    const qint64 sizes[] = { 0, 10000, 100000 };

    QThread thread;
    thread.start();
    QObject context;
    context.moveToThread(&thread);

    std::printf("POST /logs on loopback, one keep-alive client, entries of %lld bytes (4 containers)\n",
                qint64(entry(0).size()));
    std::printf("%9s | %-32s | %-32s | %s\n", "stored", "Stevedore (append-only JSONL)",
                "original design (rewrite array)", "Stevedore / original");
    std::printf("%9s | %10s %10s %10s | %10s %10s %10s | %9s %9s\n", "entries", "entries/s", "p50 ms", "p99 ms",
                "entries/s", "p50 ms", "p99 ms", "thruput", "p99");
    std::vector<Result> ours;
    for (const qint64 stored : sizes) {
        QTemporaryDir tmp;
        // Pre-fill both stores with the same entries.
        {
            StoreSettings so;
            so.dataDir = tmp.filePath(QStringLiteral("stevedore"));
            LogStore store(so);
            QString err;
            if (!store.open(&err)) {
                std::fprintf(stderr, "%s\n", qPrintable(err));
                return 1;
            }
            NormalisedEntry e;
            for (qint64 i = 0; i < stored; ++i) {
                normaliseLogEntry(entry(i), e, nullptr);
                store.append(e.line, &err);
            }
        }
        const std::string originalFile = tmp.filePath(QStringLiteral("logs.json")).toStdString();
        {
            json arr = json::array();
            for (qint64 i = 0; i < stored; ++i)
                arr.push_back(json::parse(entry(i).toStdString()));
            std::ofstream(originalFile) << arr.dump(4);
        }

        LogReceiver* receiver = nullptr;
        QHttpServer* original = nullptr;
        quint16 ourPort = 0;
        quint16 originalPort = 0;
        onServerThread(&context, [&] {
            ReceiverSettings ro;
            ro.port = 0;
            StoreSettings so;
            so.dataDir = tmp.filePath(QStringLiteral("stevedore"));
            receiver = new LogReceiver(ro, so);
            QString err;
            receiver->start(&err);
            ourPort = receiver->port();
            // The original's handler, minimally: parse the entry, load the whole
            // file, append, write it all back (indent=4, as json.dump did).
            original = new QHttpServer;
            original->route(QStringLiteral("/logs"), QHttpServerRequest::Method::Post,
                            [originalFile](const QHttpServerRequest& request) {
                                const QByteArray body = request.body();
                                json logs = json::array();
                                {
                                    std::ifstream in(originalFile);
                                    if (in)
                                        logs = json::parse(in);
                                }
                                logs.push_back(json::parse(body.constBegin(), body.constEnd()));
                                std::ofstream(originalFile) << logs.dump(4);
                                return QHttpServerResponse(
                                    QJsonObject { { QStringLiteral("message"), QStringLiteral("Log entry added") } });
                            });
            originalPort = original->listen(QHostAddress::LocalHost, 0);
        });
        const Result a = measure(ourPort, stored, requests, 60.0);
        const Result b = measure(originalPort, stored, requests, originalBudget);
        onServerThread(&context, [&] {
            delete receiver;
            delete original;
        });
        ours.push_back(a);
        std::printf("%9lld | %10.0f %10.3f %10.3f | %10.1f %10.3f %10.3f | %8.1fx %8.1fx\n", stored, a.perSecond(),
                    a.p50ms, a.p99ms, b.perSecond(), b.p50ms, b.p99ms, a.perSecond() / b.perSecond(),
                    b.p99ms / a.p99ms);
        if (a.failures || b.failures)
            std::printf("          (failed requests: Stevedore %d, original %d)\n", a.failures, b.failures);
        std::fflush(stdout);
    }
    std::printf(
        "Stevedore at 100k stored vs empty: %.2f of the throughput (flat = 1.0); target >= 5000 entries/s: %s\n",
        ours.back().perSecond() / ours.front().perSecond(),
        std::all_of(ours.begin(), ours.end(), [](const Result& r) { return r.perSecond() >= 5000; }) ? "met"
                                                                                                     : "MISSED");
    thread.quit();
    thread.wait();
    return 0;
}
