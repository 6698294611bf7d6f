// The Spanish translation is complete (docs/translation.md): lupdate reads
// the sources into a copy of each resources/translations/*.ts, and every
// message must be translated with the same placeholders (%1, %n) and
// accelerators (&) as its source; each offender is listed with file:line.
// Planted rows prove the check fails. Then the binary: --help and a command
// line error in Spanish under LANG=es_ES.UTF-8 (with Qt's own strings from
// qtbase_es.qm), in English under LANG=C.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {
struct Message
{
    QString context;
    QString source;
    QString location; // file:line, relative to the source tree
    bool numerus = false;
    bool unfinished = false;
    QStringList translations; // one, or one per numerus form
};

QString relativeToTree(const QString& path)
{
    return QDir(QFileInfo(QStringLiteral(STEVEDORE_SOURCE_DIR)).canonicalFilePath()).relativeFilePath(path);
}

// Reads a .ts written by lupdate with -locations absolute (line numbers
// from the start of each file).
QList<Message> readTs(const QString& path, QString* error)
{
    QList<Message> out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = path + QStringLiteral(": ") + file.errorString();
        return out;
    }
    QXmlStreamReader xml(&file);
    QString context;
    Message m;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("name")) {
                context = xml.readElementText();
            } else if (name == QLatin1String("message")) {
                m = Message();
                m.context = context;
                m.numerus = xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            } else if (name == QLatin1String("location") && m.location.isEmpty()) {
                const auto a = xml.attributes();
                // lupdate writes file names relative to the .ts file.
                const QString file = QFileInfo(path).dir().filePath(a.value(QLatin1String("filename")).toString());
                m.location = relativeToTree(QFileInfo(file).canonicalFilePath()) + QLatin1Char(':')
                    + a.value(QLatin1String("line")).toString();
            } else if (name == QLatin1String("source")) {
                m.source = xml.readElementText();
            } else if (name == QLatin1String("translation")) {
                const QString type = xml.attributes().value(QLatin1String("type")).toString();
                m.unfinished = type == QLatin1String("unfinished");
                if (!m.numerus)
                    m.translations.append(xml.readElementText());
            } else if (name == QLatin1String("numerusform")) {
                m.translations.append(xml.readElementText());
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            out.append(m);
        }
    }
    if (xml.hasError())
        *error = path + QStringLiteral(": ") + xml.errorString();
    return out;
}

// %1..%99 and %n, as a sorted list (a placeholder used twice counts twice).
QStringList placeholders(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("%(?:n|[1-9][0-9]?)"));
    QStringList out;
    for (auto it = re.globalMatch(text); it.hasNext();)
        out.append(it.next().captured());
    out.sort();
    return out;
}

// Accelerator marks: '&' before a character, "&&" being a literal ampersand.
int accelerators(const QString& text)
{
    return int(QString(text).remove(QStringLiteral("&&")).count(QRegularExpression(QStringLiteral("&\\S"))));
}

// Every problem of the catalogue `tsFile` against `sources`, one line each.
QStringList offenders(const QStringList& sources, const QString& tsFile, QString* error)
{
    QTemporaryDir dir;
    const QString copy = dir.filePath(QFileInfo(tsFile).fileName());
    if (!QFile::copy(tsFile, copy)) {
        *error = QStringLiteral("cannot copy ") + tsFile;
        return {};
    }
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(STEVEDORE_LUPDATE),
                  QStringList { QStringLiteral("-silent"), QStringLiteral("-I"), QStringLiteral(STEVEDORE_APP_DIR),
                                QStringLiteral("-locations"), QStringLiteral("absolute"),
                                QStringLiteral("-no-obsolete"), QStringLiteral("-extensions"), QStringLiteral("cpp,h") }
                      + sources + QStringList { QStringLiteral("-ts"), copy });
    if (!lupdate.waitForFinished(120000) || lupdate.exitStatus() != QProcess::NormalExit || lupdate.exitCode() != 0) {
        *error = QStringLiteral("lupdate failed: ") + QString::fromLocal8Bit(lupdate.readAll());
        return {};
    }
    const QList<Message> messages = readTs(copy, error);
    if (!error->isEmpty())
        return {};
    if (messages.isEmpty()) {
        *error = QStringLiteral("lupdate found no message");
        return {};
    }
    QStringList out;
    for (const Message& m : messages) {
        const QString where = m.location + QStringLiteral(": [") + m.context + QStringLiteral("] \"") + m.source
            + QStringLiteral("\": ");
        bool empty = m.translations.isEmpty();
        for (const QString& t : m.translations)
            empty = empty || t.isEmpty();
        if (m.unfinished || empty) {
            out.append(where + QStringLiteral("no translation"));
            continue;
        }
        for (const QString& t : m.translations) {
            if (placeholders(t) != placeholders(m.source))
                out.append(where + QStringLiteral("placeholders differ in \"%1\"").arg(t));
            if (accelerators(t) != accelerators(m.source))
                out.append(where + QStringLiteral("accelerators (&) differ in \"%1\"").arg(t));
        }
    }
    return out;
}

QStringList treeSources()
{
    return QString::fromUtf8(STEVEDORE_TR_SOURCES).split(QLatin1Char('|'), Qt::SkipEmptyParts);
}

QString spanishCatalogue()
{
    return QStringLiteral(STEVEDORE_SOURCE_DIR "/resources/translations/stevedore_es.ts");
}
} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everySourceStringIsTranslated_data();
    void everySourceStringIsTranslated();
    void commandLineSpeaksTheLocale_data();
    void commandLineSpeaksTheLocale();
};

void TestTranslations::everySourceStringIsTranslated_data()
{
    QTest::addColumn<QStringList>("sources");
    QTest::addColumn<QString>("ts");
    QTest::addColumn<QStringList>("expected"); // substrings of the offenders, in order

    // Every catalogue of the tree, complete.
    const QDir catalogues(QStringLiteral(STEVEDORE_SOURCE_DIR "/resources/translations"));
    const QStringList files = catalogues.entryList({ QStringLiteral("stevedore_*.ts") }, QDir::Files);
    if (!files.contains(QStringLiteral("stevedore_es.ts")))
        qFatal("no stevedore_es.ts in %s", qPrintable(catalogues.path()));
    for (const QString& file : files)
        QTest::newRow(qPrintable(file)) << treeSources() << catalogues.filePath(file) << QStringList();

    // Planted: a new string nobody translated, in a copy of the sources.
    static QTemporaryDir planted;
    const QString extra = planted.filePath(QStringLiteral("planted.cpp"));
    QFile f(extra);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(extra));
    f.write("#include <QCoreApplication>\n\n"
            "QString planted()\n{\n    return QCoreApplication::translate(\"Planted\", \"A string nobody "
            "translated\");\n}\n");
    f.close();
    QTest::newRow("planted untranslated string")
        << (treeSources() << extra) << spanishCatalogue()
        << QStringList { relativeToTree(QFileInfo(extra).canonicalFilePath())
                         + QStringLiteral(":5: [Planted] \"A string nobody translated\": no "
                                          "translation") };

    // Planted: a translation that lost its %1 and one that lost its '&'.
    QFile ts(spanishCatalogue());
    if (!ts.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(ts.fileName()));
    QByteArray text = ts.readAll();
    const QByteArray lostArg = "<translation>argumento inesperado: %1</translation>";
    const QByteArray lostAccel = "<translation>&amp;Salir</translation>";
    if (!text.contains(lostArg) || !text.contains(lostAccel))
        qFatal("the planted rows need \"%s\" and \"%s\" in the catalogue", lostArg.constData(), lostAccel.constData());
    text.replace(lostArg, "<translation>argumento inesperado</translation>");
    text.replace(lostAccel, "<translation>Salir</translation>");
    const QString broken = planted.filePath(QStringLiteral("stevedore_es.ts"));
    QFile out(broken);
    if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(broken));
    out.close();
    QTest::newRow("planted placeholder and accelerator")
        << treeSources() << broken
        << QStringList { QStringLiteral("[Cli] \"unexpected argument: %1\": placeholders differ"),
                         QStringLiteral("[MainWindow] \"&Quit\": accelerators (&) differ") };
}

void TestTranslations::everySourceStringIsTranslated()
{
    QFETCH(QStringList, sources);
    QFETCH(QString, ts);
    QFETCH(QStringList, expected);
    QString error;
    const QStringList found = offenders(sources, ts, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(found.size() == expected.size(),
             qPrintable(QStringLiteral("%1 offender(s), expected %2 (run `cmake --build <build> --target "
                                       "update_translations` and translate; docs/translation.md):\n")
                            .arg(found.size())
                            .arg(expected.size())
                        + found.join(QLatin1Char('\n'))));
    for (int i = 0; i < expected.size(); ++i)
        QVERIFY2(found.at(i).contains(expected.at(i)),
                 qPrintable(found.at(i) + QStringLiteral(" lacks ") + expected.at(i)));
}

void TestTranslations::commandLineSpeaksTheLocale_data()
{
    QTest::addColumn<QString>("lang");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QStringList>("expected"); // in stdout + stderr
    QTest::addColumn<QStringList>("absent");

    // Ours ("Muestra esta ayuda.") and Qt's ("Uso:", "Opciones:").
    QTest::newRow("help es") << "es_ES.UTF-8" << QStringList { QStringLiteral("--help") } << 0
                             << QStringList { QStringLiteral("Uso: stevedore [opciones]"), QStringLiteral("Opciones:"),
                                              QStringLiteral("Muestra esta ayuda."),
                                              QStringLiteral("Funciona sin ventana: recoge, gestiona"),
                                              QStringLiteral("--interval <segundos>") }
                             << QStringList { QStringLiteral("Show this help."), QStringLiteral("Usage:") };
    QTest::newRow("help C") << "C" << QStringList { QStringLiteral("--help") } << 0
                            << QStringList { QStringLiteral("Usage: stevedore [options]"), QStringLiteral("Options:"),
                                             QStringLiteral("Show this help."), QStringLiteral("--interval <seconds>") }
                            << QStringList { QStringLiteral("Muestra"), QStringLiteral("Uso:") };
    // A locale without a catalogue falls back to English.
    QTest::newRow("help de") << "de_DE.UTF-8" << QStringList { QStringLiteral("--help") } << 0
                             << QStringList { QStringLiteral("Show this help.") }
                             << QStringList { QStringLiteral("Muestra esta ayuda.") };
    QTest::newRow("our error es") << "es_ES.UTF-8"
                                  << QStringList { QStringLiteral("--interval"), QStringLiteral("nan") } << 2
                                  << QStringList { QStringLiteral("stevedore: --interval debe ser un número de "
                                                                  "segundos de 0.1 a 86400, no «nan»"),
                                                   QStringLiteral("Pruebe «stevedore --help».") }
                                  << QStringList { QStringLiteral("must be") };
    QTest::newRow("Qt's error es") << "es_ES.UTF-8" << QStringList { QStringLiteral("--bogus") } << 2
                                   << QStringList { QStringLiteral("Opción desconocida «bogus».") }
                                   << QStringList { QStringLiteral("Unknown option") };
    QTest::newRow("our error C") << "C" << QStringList { QStringLiteral("--interval"), QStringLiteral("nan") } << 2
                                 << QStringList { QStringLiteral("--interval must be a number of seconds"),
                                                  QStringLiteral("Try 'stevedore --help'.") }
                                 << QStringList { QStringLiteral("debe ser") };
}

void TestTranslations::commandLineSpeaksTheLocale()
{
    QFETCH(QString, lang);
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, absent);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // LANG alone decides, as for a user who sets only it.
    for (const char* var : { "LANGUAGE", "LC_ALL", "LC_MESSAGES" })
        env.remove(QString::fromLatin1(var));
    env.insert(QStringLiteral("LANG"), lang);
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(STEVEDORE_EXE), args);
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    QVERIFY2(p.exitCode() == exitCode, qPrintable(out));
    for (const QString& e : expected)
        QVERIFY2(out.contains(e), qPrintable(QStringLiteral("missing \"%1\" in:\n%2").arg(e, out)));
    for (const QString& a : absent)
        QVERIFY2(!out.contains(a), qPrintable(QStringLiteral("unexpected \"%1\" in:\n%2").arg(a, out)));
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
