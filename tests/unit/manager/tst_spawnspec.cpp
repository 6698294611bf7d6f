#include "core/manager/spawner.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

class TestSpawnSpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void types_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("category");
        QTest::addColumn<QString>("options");
        QTest::newRow("cpu") << int(StressType::Cpu) << "cpu"
                             << "cpu"
                             << "--cpu 1";
        QTest::newRow("io") << int(StressType::Io) << "io"
                            << "io"
                            << "--io 1";
        QTest::newRow("vm") << int(StressType::Vm) << "vm"
                            << "ram"
                            << "--vm 2 --vm-bytes 256M";
        QTest::newRow("hdd") << int(StressType::Hdd) << "hdd"
                             << "disk"
                             << "--hdd 1 --hdd-bytes 1G";
    }

    void types()
    {
        QFETCH(int, type);
        QFETCH(QString, token);
        QFETCH(QString, category);
        QFETCH(QString, options);
        const auto t = StressType(type);
        const SpawnSettings defaults;
        QCOMPARE(stressTypeToken(t), token);
        QCOMPARE(categoryName(stressTypeCategory(t)), category);
        QCOMPARE(stressOptions(t, defaults), options);
        QCOMPARE(stressTypeFromName(token), std::optional<StressType>(t));
        QCOMPARE(stressTypeFromName(category), std::optional<StressType>(t));
        // The metrics side classifies the command we run into the same category.
        const ContainerSpec spec = spawnSpec(t, defaults, spawnContainerName(t, QStringLiteral("abcd1234")));
        QCOMPARE(categoryFromCmdline(spec.cmd.join(QLatin1Char(' '))), stressTypeCategory(t));
    }

    void names()
    {
        QRandomGenerator rng(7);
        QSet<QChar> seen;
        for (int i = 0; i < 2000; ++i) {
            const QString suffix = randomNameSuffix(rng);
            QCOMPARE(suffix.size(), 8);
            for (const QChar c : suffix)
                seen.insert(c);
            const QString name = spawnContainerName(StressType::Vm, suffix);
            QVERIFY2(isSpawnName(name), qPrintable(name));
            QVERIFY(name.startsWith(QLatin1String("stress_vm_")));
        }
        QCOMPARE(seen.size(), 36); // every one of [a-z0-9], nothing else
        for (const QChar c : std::as_const(seen))
            QVERIFY(c.isDigit() || (c >= QLatin1Char('a') && c <= QLatin1Char('z')));

        QVERIFY(isSpawnName(u"stress_hdd_0a1b2c3d"));
        QVERIFY(!isSpawnName(u"stress_ram_0a1b2c3d")); // the original names by option, not category
        QVERIFY(!isSpawnName(u"stress_cpu_0A1B2C3D"));
        QVERIFY(!isSpawnName(u"stress_cpu_0a1b2c3"));
        QVERIFY(!isSpawnName(u"xstress_cpu_0a1b2c3d"));
    }

    void spec()
    {
        SpawnSettings s;
        s.image = QStringLiteral("example/stress:1");
        s.vmBytes = QStringLiteral("16M");
        s.networkMode = QStringLiteral("none");
        s.extraLabels = { { QStringLiteral("stevedore.test"), QStringLiteral("run1") },
                          { QStringLiteral("stevedore.managed"), QStringLiteral("false") } }; // cannot override
        const ContainerSpec spec = spawnSpec(StressType::Vm, s, QStringLiteral("stress_vm_abcdefgh"));
        QCOMPARE(spec.name, QStringLiteral("stress_vm_abcdefgh"));
        QCOMPARE(spec.image, QStringLiteral("example/stress:1"));
        QCOMPARE(spec.cmd,
                 QStringList({ QStringLiteral("sh"), QStringLiteral("-c"),
                               QStringLiteral("exec stress --vm 2 --vm-bytes 16M") }));
        QCOMPARE(spec.labels.value(QStringLiteral("stevedore.managed")), QStringLiteral("true"));
        QCOMPARE(spec.labels.value(QStringLiteral("stevedore.category")), QStringLiteral("ram"));
        QCOMPARE(spec.labels.value(QStringLiteral("stevedore.test")), QStringLiteral("run1"));
        QCOMPARE(spec.networkMode, QStringLiteral("none"));
        QCOMPARE(SpawnSettings().networkMode, QString()); // the original used Docker's default network
        QCOMPARE(SpawnSettings().image, QStringLiteral("containerstack/alpine-stress"));
    }

    void environment()
    {
        qputenv("STEVEDORE_IMAGE", "local/stress:test");
        qputenv("STEVEDORE_VM_BYTES", "32M");
        qputenv("STEVEDORE_HDD_BYTES", "4M");
        qputenv("STEVEDORE_TYPES", "cpu, disk bogus");
        const SpawnSettings s = SpawnSettings::fromEnvironment();
        qunsetenv("STEVEDORE_IMAGE");
        qunsetenv("STEVEDORE_VM_BYTES");
        qunsetenv("STEVEDORE_HDD_BYTES");
        qunsetenv("STEVEDORE_TYPES");
        QCOMPARE(s.image, QStringLiteral("local/stress:test"));
        QCOMPARE(s.vmBytes, QStringLiteral("32M"));
        QCOMPARE(s.hddBytes, QStringLiteral("4M"));
        QCOMPARE(s.types, QList<StressType>({ StressType::Cpu, StressType::Hdd }));
        const SpawnSettings d = SpawnSettings::fromEnvironment();
        QCOMPARE(d.vmBytes, QStringLiteral("256M"));
        QVERIFY(d.types.isEmpty());
    }

    void byteSizes_data()
    {
        QTest::addColumn<QByteArray>("vm");
        QTest::addColumn<QByteArray>("hdd");
        QTest::addColumn<QString>("mention"); // empty: valid
        QTest::newRow("defaults") << QByteArray() << QByteArray() << QString();
        QTest::newRow("units") << QByteArray("512k") << QByteArray("2g") << QString();
        QTest::newRow("plain bytes") << QByteArray("4096") << QByteArray("1b") << QString();
        QTest::newRow("shell in vm") << QByteArray("1G; reboot") << QByteArray() << "STEVEDORE_VM_BYTES";
        QTest::newRow("substitution in hdd") << QByteArray() << QByteArray("$(id)") << "STEVEDORE_HDD_BYTES";
        QTest::newRow("fraction") << QByteArray("1.5G") << QByteArray() << "STEVEDORE_VM_BYTES";
        QTest::newRow("two units") << QByteArray() << QByteArray("1GB") << "STEVEDORE_HDD_BYTES";
        QTest::newRow("negative") << QByteArray("-1") << QByteArray() << "STEVEDORE_VM_BYTES";
        QTest::newRow("unit only") << QByteArray("M") << QByteArray() << "STEVEDORE_VM_BYTES";
        QTest::newRow("nan") << QByteArray("nan") << QByteArray() << "STEVEDORE_VM_BYTES";
    }

    // The environment as the script checks it, and a spawner with bad sizes
    // stops before it asks Docker for anything.
    void byteSizes()
    {
        QFETCH(QByteArray, vm);
        QFETCH(QByteArray, hdd);
        QFETCH(QString, mention);
        qputenv("STEVEDORE_VM_BYTES", vm);
        qputenv("STEVEDORE_HDD_BYTES", hdd);
        const SpawnSettings s = SpawnSettings::fromEnvironment();
        qunsetenv("STEVEDORE_VM_BYTES");
        qunsetenv("STEVEDORE_HDD_BYTES");
        QString error;
        QCOMPARE(s.validate(&error), mention.isEmpty());
        if (mention.isEmpty())
            return;
        QVERIFY2(error.contains(mention), qPrintable(error));

        // Nothing listens there: had the spawner gone on, the error would
        // be "cannot reach Docker".
        DockerEndpoint nowhere;
        nowhere.socketPath = QStringLiteral("/nonexistent/docker.sock");
        DockerClient client(nowhere);
        Spawner spawner(&client, s);
        QSignalSpy finished(&spawner, &Spawner::finished);
        spawner.spawnTypes({ StressType::Vm });
        QCOMPARE(finished.size(), 1);
        const auto report = finished.first().first().value<SpawnReport>();
        QCOMPARE(report.errors, QStringList { error });
        QVERIFY(report.created.isEmpty());
    }

    void scriptAgreesWithTheCxxSpawner()
    {
        // The script is the other half of the contract: same options,
        // tokens, categories and labels. Read it rather than trust memory.
        QFile f(QStringLiteral(STEVEDORE_SOURCE_DIR "/scripts/spawn_containers.sh"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString script = QString::fromUtf8(f.readAll());
        QVERIFY(
            script.contains(QLatin1String("--label stevedore.managed=true --label \"stevedore.category=$category\"")));
        QVERIFY(script.contains(QLatin1String("name=\"stress_${type}_$(random_id)\"")));
        QVERIFY(script.contains(QLatin1String("sh -c \"exec stress $option\"")));
        const SpawnSettings s;
        for (StressType t : allStressTypes()) {
            QString expected = stressOptions(t, s);
            expected.replace(s.vmBytes, QStringLiteral("$2")).replace(s.hddBytes, QStringLiteral("$3"));
            const QString caseLine = QStringLiteral("%1) printf '%s' \"%2\" ;;").arg(stressTypeToken(t), expected);
            QVERIFY2(script.contains(caseLine), qPrintable(caseLine));
            const QString categoryLine
                = QStringLiteral("%1) printf '%2' ;;").arg(stressTypeToken(t), categoryName(stressTypeCategory(t)));
            QVERIFY2(script.contains(categoryLine), qPrintable(categoryLine));
        }
        QVERIFY(script.contains(QLatin1String("${STEVEDORE_VM_BYTES:-256M}")));
        QVERIFY(script.contains(QLatin1String("${STEVEDORE_HDD_BYTES:-1G}")));
        // The same check of the sizes, with the same words.
        QVERIFY(script.contains(QLatin1String("[[ \"$vm_bytes\" =~ ^[0-9]+[bBkKmMgG]?$ ]]")));
        QVERIFY(script.contains(QLatin1String("[[ \"$hdd_bytes\" =~ ^[0-9]+[bBkKmMgG]?$ ]]")));
        QVERIFY(script.contains(QLatin1String("STEVEDORE_VM_BYTES must look like 256M, not")));
        QVERIFY(script.contains(QLatin1String("STEVEDORE_HDD_BYTES must look like 1G, not")));
    }
};

QTEST_GUILESS_MAIN(TestSpawnSpec)
#include "tst_spawnspec.moc"
