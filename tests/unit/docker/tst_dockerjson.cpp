#include "core/docker/dockerclient.h"
#include "core/docker/dockertypes.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QTest>

class TestDockerJson : public QObject
{
    Q_OBJECT

    static QByteArray fixture(const char* name)
    {
        const QString path = QFINDTESTDATA(QStringLiteral("fixtures/") + QLatin1String(name));
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            qFatal("missing fixture %s", name);
        return f.readAll();
    }

private Q_SLOTS:
    void timestamps_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("ns");

        QTest::newRow("docker nanos") << "2026-11-29T02:20:37.313410466Z" << true << Q_INT64_C(1795918837313410466);
        QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << true << Q_INT64_C(0);
        QTest::newRow("no fraction") << "2001-09-09T01:46:40Z" << true << Q_INT64_C(1000000000000000000);
        QTest::newRow("short fraction") << "2001-09-09T01:46:40.5Z" << true << Q_INT64_C(1000000000500000000);
        QTest::newRow("more than nanos truncated")
            << "2001-09-09T01:46:40.1234567891Z" << true << Q_INT64_C(1000000000123456789);
        QTest::newRow("offset") << "2001-09-09T03:46:40+02:00" << true << Q_INT64_C(1000000000000000000);
        QTest::newRow("negative offset") << "2001-09-08T23:16:40-02:30" << true << Q_INT64_C(1000000000000000000);
        QTest::newRow("leap day") << "2024-02-29T00:00:00Z" << true << Q_INT64_C(1709164800000000000);
        QTest::newRow("before 1970") << "1969-12-31T23:59:59.999999999Z" << true << Q_INT64_C(-1);
        QTest::newRow("docker zero time") << "0001-01-01T00:00:00Z" << false << Q_INT64_C(0);
        QTest::newRow("no zone") << "2024-01-01T00:00:00" << false << Q_INT64_C(0);
        QTest::newRow("garbage") << "yesterday" << false << Q_INT64_C(0);
        QTest::newRow("bad month") << "2024-13-01T00:00:00Z" << false << Q_INT64_C(0);
        QTest::newRow("trailing junk") << "2024-01-01T00:00:00Zx" << false << Q_INT64_C(0);
        QTest::newRow("empty fraction") << "2024-01-01T00:00:00.Z" << false << Q_INT64_C(0);
    }

    void timestamps()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(qint64, ns);
        const auto parsed = DockerJson::parseTimestampNs(text);
        QCOMPARE(parsed.has_value(), ok);
        if (ok)
            QCOMPARE(*parsed, ns);
    }

    void timestampRoundTrip()
    {
        const QString text = QStringLiteral("2026-11-29T02:20:37.313410466Z");
        QCOMPARE(DockerJson::formatTimestampNs(*DockerJson::parseTimestampNs(text)), text);
        QCOMPARE(DockerJson::formatTimestampNs(-1), QStringLiteral("1969-12-31T23:59:59.999999999Z"));
        // Qt's own parser agrees to the millisecond.
        const auto ns = *DockerJson::parseTimestampNs(QStringLiteral("2024-02-29T23:59:59.5+01:00"));
        QCOMPARE(ns / 1000000,
                 QDateTime::fromString(QStringLiteral("2024-02-29T23:59:59.500+01:00"), Qt::ISODateWithMs)
                     .toMSecsSinceEpoch());
    }

    void inspectRunning()
    {
        ContainerInfo c;
        QString error;
        QVERIFY2(DockerJson::parseContainerInspect(fixture("inspect_running.json"), c, &error), qPrintable(error));
        QCOMPARE(c.id, QStringLiteral("824e3dcead5ece9d5009d1aac24b7a49b0102684e517eb9adc4bcd259b39104a"));
        QCOMPARE(c.name, QStringLiteral("stress_cpu_fixture1"));
        QCOMPARE(c.createdNs, *DockerJson::parseTimestampNs(QStringLiteral("2026-11-29T02:46:40.092711785Z")));
        QCOMPARE(c.startedAtNs, *DockerJson::parseTimestampNs(QStringLiteral("2026-11-29T02:46:41.519856522Z")));
        QCOMPARE(c.state, QStringLiteral("running"));
        QVERIFY(c.running);
        QCOMPARE(c.pid, 19130);
        QCOMPARE(c.cmd, QStringList({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exec sleep 30") }));
        QCOMPARE(c.commandLine(), QStringLiteral("sh -c exec sleep 30"));
        QCOMPARE(c.labels.value(QStringLiteral("stevedore.managed")), QStringLiteral("true"));
        QCOMPARE(c.labels.value(QStringLiteral("stevedore.category")), QStringLiteral("cpu"));
        QCOMPARE(c.image, QStringLiteral("containerstack/alpine-stress"));
        QCOMPARE(c.created(), QDateTime::fromString(QStringLiteral("2026-11-29T02:46:40.092Z"), Qt::ISODateWithMs));
    }

    void inspectWithNullsAndOldShapes()
    {
        ContainerInfo c;
        QString error;
        QVERIFY2(DockerJson::parseContainerInspect(fixture("inspect_exited_nulls.json"), c, &error), qPrintable(error));
        QCOMPARE(c.name, QStringLiteral("odd_one"));
        QVERIFY(!c.running);
        QCOMPARE(c.pid, 0);
        QCOMPARE(c.startedAtNs, 0); // zero time = never started
        QCOMPARE(c.exitCode, 137);
        QVERIFY(c.labels.isEmpty());
        QVERIFY(c.cmd.isEmpty());
        QCOMPARE(c.entrypoint, QStringList { QStringLiteral("sleep 1") });
        QCOMPARE(c.createdNs, *DockerJson::parseTimestampNs(QStringLiteral("2024-02-29T22:59:59.5Z")));
    }

    void inspectRejectsBadInput_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("not json") << QByteArray("<html>");
        QTest::newRow("array") << QByteArray("[]");
        QTest::newRow("no id") << QByteArray(R"({"Created":"2024-01-01T00:00:00Z"})");
        QTest::newRow("no created") << QByteArray(R"({"Id":"abc"})");
        QTest::newRow("labels wrong type")
            << QByteArray(R"({"Id":"abc","Created":"2024-01-01T00:00:00Z","Config":{"Labels":["a"]}})");
    }

    void inspectRejectsBadInput()
    {
        QFETCH(QByteArray, body);
        ContainerInfo c;
        QString error;
        QVERIFY(!DockerJson::parseContainerInspect(body, c, &error));
        QVERIFY(!error.isEmpty());
    }

    // Replies come from whatever answers on DOCKER_HOST: none of these may
    // throw, overflow the stack or convert a number out of range (UBSan in
    // the sanitizer build checks the last).
    void hostileReplies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("mention"); // in the error when refused
        QTest::addColumn<qint64>("pid"); // when accepted
        const QByteArray head = R"({"Id":"abc","Created":"2024-01-01T00:00:00Z",)";
        // QByteArray, not auto: with QT_USE_QSTRINGBUILDER the expression
        // would refer to temporaries that are gone by the time it is read.
        const auto nested = [&](int arrays) -> QByteArray {
            return head + R"("Config":{"Labels":{},"Extra":)" + QByteArray(arrays, '[') + QByteArray(arrays, ']')
                + "}}";
        };
        // Top-level object, Config, then the arrays: 2 + arrays levels.
        QTest::newRow("64 levels") << nested(62) << true << QString() << Q_INT64_C(0);
        QTest::newRow("65 levels") << nested(63) << false << "nested deeper than 64" << Q_INT64_C(0);
        QTest::newRow("120000 levels") << nested(120000) << false << "nested deeper than 64" << Q_INT64_C(0);
        QTest::newRow("1e400") << head + R"("State":{"Pid":1e400}})" << false << "number overflow" << Q_INT64_C(0);
        QTest::newRow("1e30 reads as absent") << head + R"("State":{"Pid":1e30}})" << true << QString() << Q_INT64_C(0);
        QTest::newRow("-1e30 reads as absent")
            << head + R"("State":{"Pid":-1e30}})" << true << QString() << Q_INT64_C(0);
        QTest::newRow("2^64-1 reads as absent")
            << head + R"("State":{"Pid":18446744073709551615}})" << true << QString() << Q_INT64_C(0);
        QTest::newRow("float pid") << head + R"("State":{"Pid":42.9}})" << true << QString() << Q_INT64_C(42);
        QTest::newRow("id a number") << QByteArray(R"({"Id":5,"Created":"2024-01-01T00:00:00Z"})") << false
                                     << "without Id" << Q_INT64_C(0);
        QTest::newRow("state a string") << head + R"("State":"running"})" << true << QString() << Q_INT64_C(0);
        QTest::newRow("cmd an object") << head + R"("Config":{"Cmd":{"a":1}}})" << false << "Cmd is not a list"
                                       << Q_INT64_C(0);
        QTest::newRow("labels a list") << head + R"("Config":{"Labels":[1,2]}})" << false << "Labels is not an object"
                                       << Q_INT64_C(0);
        QTest::newRow("truncated") << head << false << "not valid JSON" << Q_INT64_C(0);
    }

    void hostileReplies()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, ok);
        QFETCH(QString, mention);
        ContainerInfo c;
        QString error;
        QCOMPARE(DockerJson::parseContainerInspect(body, c, &error), ok);
        if (ok)
            QTEST(c.pid, "pid");
        else
            QVERIFY2(error.contains(mention), qPrintable(error));
        // The other decoders on the same bytes: a clean yes or no.
        QList<ContainerSummary> list;
        ImageInfo image;
        VersionInfo version;
        DockerEvent event;
        PullProgress progress;
        QString id;
        QStringList warnings;
        DockerJson::parseContainerList(body, list, &error);
        DockerJson::parseImageInspect(body, image, &error);
        DockerJson::parseVersion(body, version, &error);
        DockerJson::parseEvent(body, event, &error);
        DockerJson::parsePullLine(body, progress, &error);
        DockerJson::parseCreateResponse(body, id, warnings, &error);
        DockerJson::errorMessage(body);
    }

    void hostileEventTimes_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<qint64>("ns");
        QTest::newRow("seconds") << QByteArray(R"({"Action":"die","time":12})") << Q_INT64_C(12000000000);
        QTest::newRow("seconds too big for ns")
            << QByteArray(R"({"Action":"die","time":9223372036854775807})") << Q_INT64_C(0);
        QTest::newRow("negative too big")
            << QByteArray(R"({"Action":"die","time":-9223372036854775807})") << Q_INT64_C(0);
        QTest::newRow("1e300") << QByteArray(R"({"Action":"die","time":1e300,"timeNano":-1e300})") << Q_INT64_C(0);
        QTest::newRow("timeNano wins") << QByteArray(R"({"Action":"die","time":1,"timeNano":5})") << Q_INT64_C(5);
    }

    void hostileEventTimes()
    {
        QFETCH(QByteArray, line);
        DockerEvent e;
        QString error;
        QVERIFY2(DockerJson::parseEvent(line, e, &error), qPrintable(error));
        QTEST(e.timeNs, "ns");
    }

    void specWithLoneSurrogate()
    {
        // A label value from STEVEDORE_LABELS is any QString; a lone
        // surrogate is not UTF-8 and used to make dump() throw.
        ContainerSpec spec;
        spec.image = QStringLiteral("img");
        spec.labels.insert(QStringLiteral("k"), QString(QChar(0xD800)));
        const QByteArray json = DockerJson::containerSpecToJson(spec);
        QVERIFY(json.contains("\"Labels\""));
        QVERIFY(nlohmann::json::accept(json.constData(), json.constData() + json.size()));
    }

    void list()
    {
        QList<ContainerSummary> list;
        QString error;
        QVERIFY2(DockerJson::parseContainerList(fixture("list.json"), list, &error), qPrintable(error));
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0].name, QStringLiteral("stress_cpu_fixture1"));
        QCOMPARE(list[0].state, QStringLiteral("running"));
        QCOMPARE(list[0].createdSeconds, 1795920400);
        QCOMPARE(list[0].labels.value(QStringLiteral("stevedore.test")), QStringLiteral("fixture"));
        QCOMPARE(list[0].command, QStringLiteral("sh -c 'exec sleep 30'"));
        QVERIFY(DockerJson::parseContainerList("[]", list, &error));
        QVERIFY(list.isEmpty());
        QVERIFY(!DockerJson::parseContainerList("{}", list, &error));
        QVERIFY(!DockerJson::parseContainerList(R"([{"Names":[]}])", list, &error));
    }

    void events()
    {
        const QList<QByteArray> lines = fixture("events.jsonl").split('\n');
        QStringList actions;
        for (const QByteArray& line : lines) {
            if (line.trimmed().isEmpty())
                continue;
            DockerEvent e;
            QString error;
            QVERIFY2(DockerJson::parseEvent(line, e, &error), qPrintable(error));
            QCOMPARE(e.type, QStringLiteral("container"));
            QCOMPARE(e.id.size(), 64);
            QCOMPARE(e.attributes.value(QStringLiteral("name")), QStringLiteral("probe_x"));
            QVERIFY(e.timeNs > 1700000000000000000LL);
            actions.append(e.action);
        }
        QCOMPARE(actions.mid(0, 3),
                 QStringList({ QStringLiteral("create"), QStringLiteral("start"), QStringLiteral("kill") }));
        QVERIFY(actions.contains(QStringLiteral("destroy")));

        DockerEvent e;
        QVERIFY(DockerJson::parseEvent(R"({"Type":"container","Action":"exec_start: sh -c ls","Actor":{"ID":"x"}})", e,
                                       nullptr));
        QCOMPARE(e.baseAction(), QStringLiteral("exec_start"));
        // Old daemons: status/id/time only.
        QVERIFY(DockerJson::parseEvent(R"({"status":"die","id":"abc","time":12})", e, nullptr));
        QCOMPARE(e.action, QStringLiteral("die"));
        QCOMPARE(e.id, QStringLiteral("abc"));
        QCOMPARE(e.timeNs, 12000000000LL);
        QVERIFY(!DockerJson::parseEvent("{}", e, nullptr));
        QVERIFY(!DockerJson::parseEvent("not json", e, nullptr));
    }

    void pullStream()
    {
        PullProgress p;
        QList<PullProgress> all;
        for (const QByteArray& line : fixture("pull_stream.jsonl").split('\n')) {
            if (line.isEmpty())
                continue;
            QVERIFY(DockerJson::parsePullLine(line, p, nullptr));
            QVERIFY(p.error.isEmpty());
            all.append(p);
        }
        QCOMPARE(all.size(), 9);
        QCOMPARE(all[3].layer, QStringLiteral("a1b2c3d4e5f6"));
        QCOMPARE(all[3].current, 1024);
        QCOMPARE(all[3].total, 4096);
        QCOMPARE(all[6].status, QStringLiteral("Pull complete"));

        const QList<QByteArray> failing = fixture("pull_error.jsonl").split('\n');
        QVERIFY(DockerJson::parsePullLine(failing[1], p, nullptr));
        QCOMPARE(p.error, QStringLiteral("manifest for nope:latest not found: manifest unknown"));
        QVERIFY(DockerJson::parsePullLine(R"({"errorDetail":{"message":"only detail"}})", p, nullptr));
        QCOMPARE(p.error, QStringLiteral("only detail"));
    }

    void errorMessages()
    {
        QCOMPARE(DockerJson::errorMessage(R"({"message":"No such container: abc"})"),
                 QStringLiteral("No such container: abc"));
        QCOMPARE(DockerJson::errorMessage("  page not found\n"), QStringLiteral("page not found"));
        QCOMPARE(DockerJson::errorMessage(""), QString());
    }

    void specJson()
    {
        ContainerSpec spec;
        spec.name = QStringLiteral("stress_cpu_abcd1234");
        spec.image = QStringLiteral("containerstack/alpine-stress");
        spec.cmd = { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exec stress --cpu 1") };
        spec.labels = { { QStringLiteral("stevedore.managed"), QStringLiteral("true") } };
        spec.networkMode = QStringLiteral("none");
        const auto j = nlohmann::json::parse(DockerJson::containerSpecToJson(spec).toStdString());
        QCOMPARE(QString::fromStdString(j.at("Image").get<std::string>()), spec.image);
        QCOMPARE(j.at("Cmd").size(), size_t(3));
        QCOMPARE(QString::fromStdString(j.at("Cmd").at(2).get<std::string>()), QStringLiteral("exec stress --cpu 1"));
        QCOMPARE(QString::fromStdString(j.at("Labels").at("stevedore.managed").get<std::string>()),
                 QStringLiteral("true"));
        QCOMPARE(QString::fromStdString(j.at("HostConfig").at("NetworkMode").get<std::string>()),
                 QStringLiteral("none"));
        QVERIFY(!j.contains("name")); // the name goes in the query string

        spec.networkMode.clear();
        spec.cmd.clear();
        const auto k = nlohmann::json::parse(DockerJson::containerSpecToJson(spec).toStdString());
        QVERIFY(!k.at("HostConfig").contains("NetworkMode")); // the daemon's default network
        QVERIFY(!k.contains("Cmd")); // the image's CMD
    }

    void filters()
    {
        QCOMPARE(DockerJson::filtersJson(
                     { { QStringLiteral("label"), { QStringLiteral("a=b"), QStringLiteral("stevedore.managed") } },
                       { QStringLiteral("status"), {} } }),
                 QByteArray(R"({"label":["a=b","stevedore.managed"]})"));
        QCOMPARE(DockerJson::filtersJson({}), QByteArray("{}"));
    }

    void apiVersions_data()
    {
        QTest::addColumn<QString>("daemon");
        QTest::addColumn<QString>("negotiated");
        QTest::newRow("docker 20.10") << "1.41"
                                      << "1.41";
        QTest::newRow("docker 24") << "1.43"
                                   << "1.43";
        QTest::newRow("docker 29") << "1.52" << DockerClient::newestApiVersion();
        QTest::newRow("future") << "2.0" << DockerClient::newestApiVersion();
        QTest::newRow("docker 1.13") << "1.25"
                                     << "1.25";
        QTest::newRow("too old") << "1.12"
                                 << "";
        QTest::newRow("missing") << ""
                                 << "";
    }

    void apiVersions()
    {
        QFETCH(QString, daemon);
        QFETCH(QString, negotiated);
        QCOMPARE(DockerClient::negotiateApiVersion(daemon), negotiated);
    }

    void compareVersions()
    {
        QVERIFY(DockerJson::compareApiVersions(u"1.9", u"1.41") < 0);
        QVERIFY(DockerJson::compareApiVersions(u"1.41", u"1.41") == 0);
        QVERIFY(DockerJson::compareApiVersions(u"1.52", u"1.47") > 0);
        // Docker 29 refuses anything older than 1.44: we must speak it.
        QVERIFY(DockerJson::compareApiVersions(DockerClient::newestApiVersion(), u"1.44") >= 0);
    }

    void imageReferences_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("tag");
        QTest::newRow("bare") << "containerstack/alpine-stress"
                              << "containerstack/alpine-stress"
                              << "latest";
        QTest::newRow("tag") << "busybox:1.36"
                             << "busybox"
                             << "1.36";
        QTest::newRow("registry port") << "localhost:5000/img"
                                       << "localhost:5000/img"
                                       << "latest";
        QTest::newRow("registry port and tag") << "localhost:5000/img:v2"
                                               << "localhost:5000/img"
                                               << "v2";
        QTest::newRow("digest") << "img@sha256:abc"
                                << "img"
                                << "sha256:abc";
    }

    void imageReferences()
    {
        QFETCH(QString, reference);
        QFETCH(QString, from);
        QFETCH(QString, tag);
        const auto parts = DockerClient::splitImageReference(reference);
        QCOMPARE(parts.first, from);
        QCOMPARE(parts.second, tag);
    }
};

QTEST_GUILESS_MAIN(TestDockerJson)
#include "tst_dockerjson.moc"
