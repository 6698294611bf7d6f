// The receiver over real loopback sockets, in process: every route, every
// class of bad input with its status code (and nothing stored for it), the
// guard's own answers, keep-alive, Expect: 100-continue, HTTP/1.0, the chart
// hooks and an unusable store.
#include "core/model/logentry.h"
#include "core/receiver/logreceiver.h"
#include "rawhttp.h"
#include "receivertestutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using nlohmann::json;

namespace {
const QByteArray kToken = "s3cret";

QByteArray request(const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
                   const QByteArray& contentType = "application/json", const QByteArray& extra = {}, bool token = true)
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (token)
        r += "Authorization: Bearer " + kToken + "\r\n";
    if (!contentType.isEmpty())
        r += "Content-Type: " + contentType + "\r\n";
    if (!body.isEmpty() || method == "POST")
        r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return r + extra + "\r\n" + body;
}

int storedCount(const QString& dir)
{
    LogReader reader(dir);
    if (!reader.open(nullptr))
        return 0;
    int n = 0;
    QByteArray line;
    while (reader.next(line))
        ++n;
    return n;
}

json bodyJson(const rawhttp::Response& r)
{
    return json::parse(r.body.constBegin(), r.body.constEnd(), nullptr, false);
}
} // namespace

class TestReceiver : public QObject
{
    Q_OBJECT
    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<LogReceiver> m_rx;
    quint16 m_port = 0;

    QString dataDir() const { return m_tmp->filePath(QStringLiteral("data")); }

    rawhttp::Response send(const QByteArray& bytes, int waitCloseMs = 0)
    {
        return rawhttp::exchange(m_port, bytes, 5000, waitCloseMs);
    }

    void post(const QByteArray& body)
    {
        const auto r = send(request("POST", "/logs", body));
        QCOMPARE(r.status, 201);
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        ReceiverSettings ro;
        ro.port = 0;
        ro.token = QString::fromLatin1(kToken);
        ro.liveChartsIntervalMs = 200;
        StoreSettings so;
        so.dataDir = dataDir();
        m_rx = std::make_unique<LogReceiver>(ro, so);
        QString err;
        QVERIFY2(m_rx->start(&err), qPrintable(err));
        QVERIFY(m_rx->storeError().isEmpty());
        m_port = m_rx->port();
        QVERIFY(m_port != 0);
    }

    void cleanup()
    {
        m_rx.reset();
        m_tmp.reset();
    }

    void postAccepted_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("host"); // what snapshotStored carries
        QTest::newRow("original LogEntry") << testutil::originalEntry(1) << "original" << QString();
        QTest::newRow("reporter entry") << reportEntryBytes(testutil::makeSnapshot(2)) << "original" << QString();
        Snapshot withHost = testutil::makeSnapshot(4);
        withHost.host = { QStringLiteral("alpha"), QStringLiteral("alpha-id") };
        QTest::newRow("reporter entry with host") << reportEntryBytes(withHost) << "original"
                                                  << "alpha";
        QTest::newRow("stevedore snapshot") << testutil::snapshotBody(3) << "snapshot" << QString();
    }

    void postAccepted()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, kind);
        QFETCH(QString, host);
        QSignalSpy stored(m_rx.get(), &LogReceiver::entryStored);
        QSignalSpy parsed(m_rx.get(), &LogReceiver::snapshotStored);
        const auto r = send(request("POST", "/logs", body, "application/json; charset=utf-8"));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        const json j = bodyJson(r);
        QCOMPARE(j["status"], "stored");
        QCOMPARE(QString::fromStdString(j["kind"].get<std::string>()), kind);
        QCOMPARE(stored.size(), 1);
        QCOMPARE(storedCount(dataDir()), 1);
        const auto latest = m_rx->latestSnapshot();
        QVERIFY(latest.has_value());
        QCOMPARE(latest->containers.size(), 3);
        // The parsed entry, host included, for the window's host selector.
        QCOMPARE(parsed.size(), 1);
        const auto s = parsed.at(0).at(0).value<Snapshot>();
        QCOMPARE(s.containers.size(), 3);
        QCOMPARE(s.timestamp, stored.at(0).at(0).toDateTime());
        QCOMPARE(s.host.name, host);
    }

    void rejected_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QByteArray>("allow");
        const QByteArray good = testutil::originalEntry(1);
        QTest::newRow("malformed JSON") << request("POST", "/logs", "{\"timestamp\": oops}") << 400
                                        << "malformed JSON at byte" << QByteArray();
        QTest::newRow("wrong shape") << request("POST", "/logs", "{\"hello\":\"world\"}") << 400
                                     << "unknown entry shape" << QByteArray();
        QTest::newRow("bad sysinfo") << request("POST", "/logs",
                                                R"({"timestamp":"2024-03-01T12:00:00Z","sysinfo":{"Memory":[]}})")
                                     << 400 << "field 'sysinfo'" << QByteArray();
        QTest::newRow("bad timestamp") << request("POST", "/logs", R"({"timestamp":"soon","sysinfo":{}})") << 400
                                       << "timestamp" << QByteArray();
        QTest::newRow("empty body") << request("POST", "/logs", "") << 400 << "empty body" << QByteArray();
        QTest::newRow("text/plain") << request("POST", "/logs", good, "text/plain") << 415 << "application/json"
                                    << QByteArray();
        QTest::newRow("form (curl -d)") << request("POST", "/logs", good, "application/x-www-form-urlencoded") << 415
                                        << "application/json" << QByteArray();
        QTest::newRow("no content type") << request("POST", "/logs", good, "") << 415 << "application/json"
                                         << QByteArray();
        QTest::newRow("over the limit") << request("POST", "/logs", QByteArray(1024 * 1024 + 1, ' ')) << 413
                                        << "over the limit" << QByteArray();
        QTest::newRow("PUT /logs") << request("PUT", "/logs", good) << 405 << "GET or POST" << QByteArray("GET, POST");
        QTest::newRow("DELETE /logs") << request("DELETE", "/logs") << 405 << "GET or POST" << QByteArray("GET, POST");
        QTest::newRow("POST /metrics") << request("POST", "/metrics", good) << 405 << "GET" << QByteArray("GET");
        QTest::newRow("POST /healthz") << request("POST", "/healthz", good) << 405 << "GET" << QByteArray("GET");
        QTest::newRow("PUT /generate_graphs")
            << request("PUT", "/generate_graphs", good) << 405 << "GET" << QByteArray("GET");
        QTest::newRow("POST /show_graphs")
            << request("POST", "/show_graphs", good) << 405 << "GET or DELETE" << QByteArray("GET, DELETE");
        QTest::newRow("unknown path") << request("GET", "/nope") << 404 << "no such route" << QByteArray();
        QTest::newRow("unknown path, POST") << request("POST", "/log", good) << 404 << "no such route" << QByteArray();
        QTest::newRow("trailing slash") << request("POST", "/logs/", good) << 404 << "no such route" << QByteArray();
        QTest::newRow("no token") << request("POST", "/logs", good, "application/json", {}, false) << 401
                                  << "bearer token" << QByteArray();
        QTest::newRow("wrong token") << request("POST", "/logs", good, "application/json",
                                                "Authorization: Bearer s3cre7\r\n", false)
                                     << 401 << "bearer token" << QByteArray();
        QTest::newRow("no token, GET /logs")
            << request("GET", "/logs", {}, {}, {}, false) << 401 << "bearer token" << QByteArray();
        QTest::newRow("no token, /metrics")
            << request("GET", "/metrics", {}, {}, {}, false) << 401 << "bearer token" << QByteArray();
        QTest::newRow("no token, unknown path")
            << request("GET", "/x", {}, {}, {}, false) << 401 << "bearer token" << QByteArray();
        QTest::newRow("unknown method") << QByteArray("BREW /logs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 501
                                        << "not supported" << QByteArray();
        QTest::newRow("chunked body") << QByteArray(
            "POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
                                      << 411 << "Content-Length" << QByteArray();
        QTest::newRow("HTTP/2.0") << QByteArray("GET /logs HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n") << 505 << "HTTP/1.1"
                                  << QByteArray();
        QTest::newRow("garbage") << QByteArray("\x16\x03\x01 hello\r\n\r\n") << 400 << "malformed request line"
                                 << QByteArray();
        QTest::newRow("headers too large")
            << request("GET", "/logs", {}, {}, "X-Big: " + QByteArray(40 * 1024, 'x') + "\r\n") << 431
            << "headers over the limit" << QByteArray();
        QTest::newRow("two Content-Lengths")
            << request("POST", "/logs", good, "application/json", "Content-Length: 3\r\n") << 400 << "Content-Length"
            << QByteArray();
    }

    void rejected()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        QFETCH(QString, message);
        QFETCH(QByteArray, allow);
        QSignalSpy rejected(m_rx.get(), &LogReceiver::requestRejected);
        const auto r = send(bytes);
        QCOMPARE(r.status, status);
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        const json j = bodyJson(r);
        QVERIFY2(j.is_object() && j["error"].is_string(), r.body.constData());
        const QString error = QString::fromStdString(j["error"].get<std::string>());
        QVERIFY2(error.contains(message), qPrintable(error));
        QCOMPARE(r.headers.value("allow"), allow);
        if (status == 401)
            QVERIFY(r.headers.value("www-authenticate").startsWith("Bearer"));
        QCOMPARE(rejected.size(), 1);
        QCOMPARE(rejected.first().at(0).toInt(), status);
        QCOMPARE(storedCount(dataDir()), 0);
        // The server still serves afterwards.
        QCOMPARE(send(request("GET", "/healthz")).status, 200);
    }

    void guardAnswersThenCloses()
    {
        const auto r = send(request("POST", "/logs", QByteArray(2 * 1024 * 1024, 'x')), 3000);
        QCOMPARE(r.status, 413);
        QCOMPARE(r.headers.value("connection"), QByteArray("close"));
        QVERIFY(r.closedByServer);
        QCOMPARE(storedCount(dataDir()), 0);
        QCOMPARE(m_rx->counters().rejectedByStatus.value(413), quint64(1));
    }

    void getLogs_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("step"); // between the seqs returned
        QTest::newRow("all") << QByteArray() << 30 << 0 << 1;
        QTest::newRow("limit") << QByteArray("?limit=5") << 5 << 25 << 1;
        QTest::newRow("since") << QByteArray("?since=2024-03-01T12:00:20Z") << 10 << 20 << 1;
        QTest::newRow("since, offset encoded") << QByteArray("?since=2024-03-01T13:00:20%2B01:00") << 10 << 20 << 1;
        QTest::newRow("since, offset raw +") << QByteArray("?since=2024-03-01T13:00:20+01:00") << 10 << 20 << 1;
        QTest::newRow("since and limit") << QByteArray("?since=2024-03-01T12:00:10Z&limit=3") << 3 << 27 << 1;
        QTest::newRow("limit 0") << QByteArray("?limit=0") << 0 << 0 << 1;
        // Host identity (issue 14): snapshots come from host "even", the
        // original's entries from "odd" (on the entry, not in a snapshot).
        QTest::newRow("host") << QByteArray("?host=odd") << 15 << 1 << 2;
        QTest::newRow("host and limit") << QByteArray("?host=even&limit=2") << 2 << 26 << 2;
        QTest::newRow("host unknown") << QByteArray("?host=nobody") << 0 << 0 << 1;
        QTest::newRow("nothing since") << QByteArray("?since=2025-01-01T00:00:00Z") << 0 << 0 << 1;
    }

    void getLogs()
    {
        QFETCH(QByteArray, query);
        QFETCH(int, count);
        QFETCH(int, first);
        QFETCH(int, step);
        for (int i = 0; i < 30; ++i) {
            json body = json::parse((i % 2 ? testutil::originalEntry(i) : testutil::snapshotBody(i)).toStdString());
            body["host"] = { { "name", i % 2 ? "odd" : "even" }, { "id", "0123" } };
            post(testutil::dump(body));
        }
        const auto r = send(request("GET", "/logs" + query));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        QCOMPARE(r.headers.value("transfer-encoding"), QByteArray("chunked"));
        const json arr = bodyJson(r);
        QVERIFY2(arr.is_array(), r.body.left(200).constData());
        QCOMPARE(int(arr.size()), count);
        for (int i = 0; i < count; ++i) {
            // The original's logs.json shape: timestamp + sysinfo on every entry.
            QVERIFY(arr[i]["timestamp"].is_string());
            QVERIFY(arr[i]["sysinfo"]["Docker_Containers"].is_array());
            QCOMPARE(testutil::seqOf(arr[i]), first + i * step);
            QCOMPARE(arr[i]["host"]["name"].get<std::string>(), std::string((first + i * step) % 2 ? "odd" : "even"));
        }
    }

    void getLogsBadQuery_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QString>("message");
        QTest::newRow("since not a date") << QByteArray("?since=yesterday") << "'since'";
        QTest::newRow("negative limit") << QByteArray("?limit=-1") << "'limit'";
        QTest::newRow("limit not a number") << QByteArray("?limit=ten") << "'limit'";
    }

    void getLogsBadQuery()
    {
        QFETCH(QByteArray, query);
        QFETCH(QString, message);
        const auto r = send(request("GET", "/logs" + query));
        QCOMPARE(r.status, 400);
        QVERIFY(QString::fromStdString(bodyJson(r)["error"].get<std::string>()).contains(message));
    }

    void getLogsLargeIsStreamed()
    {
        // Bigger than the stream's high-water mark: several chunks, one array.
        for (int i = 0; i < 400; ++i)
            post(testutil::snapshotBody(i));
        const auto r = send(request("GET", "/logs"));
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.size() > 1024 * 1024);
        const json arr = bodyJson(r);
        QCOMPARE(int(arr.size()), 400);
        QCOMPARE(testutil::seqOf(arr[399]), 399);
    }

    void metrics()
    {
        post(testutil::snapshotBody(5));
        send(request("POST", "/logs", "{"));
        const auto r = send(request("GET", "/metrics"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.headers.value("content-type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
        QVERIFY(r.body.contains("# TYPE stevedore_host_cpu_percent gauge\nstevedore_host_cpu_percent 12.5\n"));
        const Snapshot s = testutil::makeSnapshot(5);
        QVERIFY(r.body.contains(
            QStringLiteral("stevedore_container_memory_bytes{id=\"%1\",name=\"stress_1\",category=\"ram\"} %2\n")
                .arg(s.containers[1].id)
                .arg(s.containers[1].memoryBytes)
                .toUtf8()));
        QVERIFY(r.body.contains("stevedore_receiver_entries_stored_total 1\n"));
        QVERIFY(r.body.contains("stevedore_receiver_requests_rejected_total{code=\"400\"} 1\n"));
    }

    void healthNeedsNoToken()
    {
        const auto r = send(request("GET", "/healthz", {}, {}, {}, false));
        QCOMPARE(r.status, 200);
        QCOMPARE(bodyJson(r)["status"], "ok");
    }

    void keepAliveAndExpectContinue()
    {
        rawhttp::Session s;
        QVERIFY(s.open(m_port));
        for (int i = 0; i < 5; ++i) {
            s.send(request("POST", "/logs", testutil::originalEntry(i)));
            const auto r = s.read();
            QCOMPARE(r.status, 201);
            QVERIFY(!r.closedByServer);
        }
        // curl's way for big bodies: headers, wait for 100, then the body.
        const QByteArray body = testutil::snapshotBody(9);
        s.send("POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken
               + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
               + QByteArray::number(body.size()) + "\r\n\r\n");
        QCOMPARE(s.read(3000, true).status, 100);
        s.send(body);
        QCOMPARE(s.read().status, 201);
        QCOMPARE(storedCount(dataDir()), 6);
        // An oversized body announced with Expect is refused before it is sent.
        s.send("POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
               "Content-Length: 99999999\r\n\r\n");
        const auto big = s.read(3000);
        QCOMPARE(big.status, 413);
        QVERIFY(s.waitClosed(3000));
    }

    void connectionCloseAndHttp10()
    {
        auto r = send("GET /healthz HTTP/1.0\r\n\r\n", 3000);
        QCOMPARE(r.status, 200);
        QVERIFY(r.closedByServer);
        r = send(request("GET", "/healthz", {}, {}, "Connection: close\r\n"), 3000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.headers.value("connection"), QByteArray("close"));
        QVERIFY(r.closedByServer);
        // GET /logs for HTTP/1.0: no chunked encoding, ended by the close.
        post(testutil::originalEntry(1));
        r = send("GET /logs HTTP/1.0\r\nAuthorization: Bearer " + kToken + "\r\n\r\n", 3000);
        QCOMPARE(r.status, 200);
        QVERIFY(!r.headers.contains("transfer-encoding"));
        QCOMPARE(int(bodyJson(r).size()), 1);
    }

    void chartsThroughAChildProcess()
    {
        // The headless hook: a child process writes the files and names them.
        const QString script = QStringLiteral(
            "set -e; [ \"$1\" = --export-charts ] && [ \"$3\" = --data-dir ] && [ -f \"$4/logs.jsonl\" ]; "
            "printf png > \"$2/system_metrics.png\"; printf png > \"$2/containers_metrics.png\"; "
            "echo \"$2/system_metrics.png\"; echo \"$2/containers_metrics.png\"");
        m_rx->setChartRenderer(std::make_shared<ProcessChartRenderer>(
            QStringLiteral("/bin/sh"), QStringList { QStringLiteral("-c"), script, QStringLiteral("sh") }));
        post(testutil::originalEntry(1));
        const auto r = send(request("GET", "/generate_graphs"), 0);
        QCOMPARE(r.status, 200);
        const json j = bodyJson(r);
        const QString dir = m_rx->chartsDir();
        QCOMPARE(QString::fromStdString(j["dir"].get<std::string>()), dir);
        QCOMPARE(j["files"].size(), size_t(2));
        QCOMPARE(QString::fromStdString(j["files"][0].get<std::string>()), dir + QStringLiteral("/system_metrics.png"));
        QVERIFY(QFile::exists(dir + QStringLiteral("/containers_metrics.png")));

        // A failing renderer is a 500; its message (stderr, paths) goes to
        // the log, not to the client.
        m_rx->setChartRenderer(std::make_shared<ProcessChartRenderer>(
            QStringLiteral("/bin/sh"), QStringList { QStringLiteral("-c"), QStringLiteral("echo boom >&2; exit 3") }));
        const auto bad = send(request("GET", "/generate_graphs"));
        QCOMPARE(bad.status, 500);
        QVERIFY(bad.body.contains("rendering failed"));
        QVERIFY(!bad.body.contains("boom"));
        // And a renderer that hangs is killed at its timeout.
        m_rx->setChartRenderer(std::make_shared<ProcessChartRenderer>(
            QStringLiteral("/bin/sh"), QStringList { QStringLiteral("-c"), QStringLiteral("sleep 30") }, 300));
        const auto slow = send(request("GET", "/generate_graphs"));
        QCOMPARE(slow.status, 500);
        QVERIFY(!slow.body.contains('/'));
    }

    // A request pipelined behind one whose answer waits for a rendering is
    // answered after it, in order (the guard holds it meanwhile), and a
    // second rendering asked for meanwhile on another connection gets 429.
    void pipelinedBehindARendering()
    {
        m_rx->setChartRenderer(std::make_shared<ProcessChartRenderer>(
            QStringLiteral("/bin/sh"),
            QStringList { QStringLiteral("-c"), QStringLiteral("sleep 0.5; printf png > \"$2/system_metrics.png\""),
                          QStringLiteral("sh") }));
        rawhttp::Session s;
        QVERIFY(s.open(m_port));
        s.send(request("GET", "/generate_graphs") + request("POST", "/logs", testutil::originalEntry(1))
               + request("GET", "/healthz"));
        QTest::qWait(100);
        QCOMPARE(send(request("GET", "/generate_graphs")).status, 429);
        const auto charts = s.read(10000);
        const auto posted = s.read(5000);
        const auto health = s.read(5000);
        QCOMPARE(charts.status, 200);
        QVERIFY2(bodyJson(charts).contains("files"), charts.body.constData());
        QCOMPARE(posted.status, 201);
        QCOMPARE(health.status, 200);
        QCOMPARE(bodyJson(health)["status"], "ok");
    }

    void chartsWithoutRenderer()
    {
        QCOMPARE(send(request("GET", "/generate_graphs")).status, 503);
        QCOMPARE(send(request("GET", "/show_graphs")).status, 503);
    }

    void concurrentGenerateRequestsAreCoalesced()
    {
        int calls = 0;
        m_rx->setChartRenderer(std::make_shared<FunctionChartRenderer>([&](const QString& out, QString*) {
            ++calls;
            QFile f(out + QStringLiteral("/system_metrics.png"));
            f.open(QIODevice::WriteOnly);
            return QStringList { f.fileName() };
        }));
        QList<QStringList> results;
        for (int i = 0; i < 3; ++i)
            m_rx->generateCharts([&](const QStringList& files, const QString&) { results.append(files); });
        QCOMPARE(results.size(), 3);
        QVERIFY(calls <= 3);
    }

    void liveCharts()
    {
        int calls = 0;
        m_rx->setChartRenderer(std::make_shared<FunctionChartRenderer>([&](const QString&, QString*) {
            ++calls;
            return QStringList();
        }));
        auto r = send(request("GET", "/show_graphs"));
        QCOMPARE(r.status, 200);
        QCOMPARE(bodyJson(r)["live"], true);
        QCOMPARE(bodyJson(r)["already_running"], false);
        QVERIFY(m_rx->liveCharts());
        QTRY_COMPARE(calls, 1); // at once
        // Nothing new: no re-rendering. Something new: re-rendered.
        QTest::qWait(500);
        QCOMPARE(calls, 1);
        post(testutil::originalEntry(1));
        QTRY_COMPARE_WITH_TIMEOUT(calls, 2, 2000);
        r = send(request("GET", "/show_graphs"));
        QCOMPARE(bodyJson(r)["already_running"], true);
    }

    // Live charts stop by themselves when nobody asked for a while (an hour
    // in the program; 400 ms here), and each GET /show_graphs renews it.
    void liveChartsStopUnasked()
    {
        QTemporaryDir tmp;
        ReceiverSettings ro;
        ro.port = 0;
        ro.liveChartsIntervalMs = 100;
        ro.liveChartsIdleStopMs = 400;
        StoreSettings so;
        so.dataDir = tmp.path();
        LogReceiver rx(ro, so);
        QString err;
        QVERIFY2(rx.start(&err), qPrintable(err));
        rx.setChartRenderer(
            std::make_shared<FunctionChartRenderer>([](const QString&, QString*) { return QStringList(); }));
        const QByteArray show = "GET /show_graphs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        QCOMPARE(rawhttp::exchange(rx.port(), show).status, 200);
        QTest::qWait(250);
        QCOMPARE(rawhttp::exchange(rx.port(), show).status, 200); // renewed
        QTest::qWait(250);
        QVERIFY(rx.liveCharts());
        QTRY_VERIFY_WITH_TIMEOUT(!rx.liveCharts(), 2000);
    }

    void unusableStoreAnswers503()
    {
        QTemporaryDir tmp;
        QFile file(tmp.filePath(QStringLiteral("file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        ReceiverSettings ro;
        ro.port = 0;
        StoreSettings so;
        so.dataDir = tmp.filePath(QStringLiteral("file/data")); // not a directory, even for root
        LogReceiver rx(ro, so);
        QString err;
        QVERIFY(rx.start(&err)); // listening, with the store error reported
        QVERIFY(rx.storeError().contains(QLatin1String("cannot create data directory")));
        QTest::qWait(1100); // past the retry interval: the POST tries again
        const auto r = rawhttp::exchange(rx.port(), request("POST", "/logs", testutil::originalEntry(1)));
        QCOMPARE(r.status, 503);
        QVERIFY2(r.body.contains("log store unavailable"), r.body.constData());
        QVERIFY2(!r.body.contains(tmp.path().toUtf8()), r.body.constData()); // no paths
        QCOMPARE(r.headers.value("retry-after"), QByteArray("5"));
        const auto health = rawhttp::exchange(rx.port(), request("GET", "/healthz"));
        QCOMPARE(health.status, 503);
        QVERIFY2(!health.body.contains('/'), health.body.constData());
        const auto logs = rawhttp::exchange(rx.port(), request("GET", "/logs"));
        QCOMPARE(logs.status, 200);
        QCOMPARE(logs.body.trimmed(), QByteArray("[]"));
    }
};

QTEST_GUILESS_MAIN(TestReceiver)
#include "tst_receiver.moc"
