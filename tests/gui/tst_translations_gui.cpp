// The window in Spanish (docs/translation.md), on a real X server (Xvfb):
// the same window is built in English, then with the Spanish catalogues
// installed as main() installs them; named parts read their Spanish text,
// and a walk over every action, label, button, menu, tab, header and
// placeholder finds none still showing the English text (unless its Spanish
// translation is the same word, like "PID"). Screenshots of both land in
// <build>/artifacts/mainwindow-en.png and mainwindow-es.png.
#include "cmdoptions.h"
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "gui/mainwindow.h"
#include "guitestutil.h"
#include "settings.h"
#include "translations.h"
#include "windowrig.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QHash>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabBar>
#include <QTableView>
#include <QTest>
#include <QXmlStreamReader>

using namespace GuiTest;

namespace {
struct Shown
{
    QString what; // "QAction quitAction", for the failure message
    QString text;
};

QString describe(const QObject* o)
{
    QString name = o->objectName();
    for (const QObject* p = o->parent(); name.isEmpty() && p; p = p->parent())
        name = p->objectName().isEmpty() ? QString() : QStringLiteral("in ") + p->objectName();
    return QString::fromLatin1(o->metaObject()->className()) + QLatin1Char(' ') + name;
}

// Every text the user can read on the window's own parts, in a fixed order
// (the same for two windows built by the same code).
QList<Shown> textsOf(const QWidget& window)
{
    QList<Shown> out;
    const auto add = [&out](const QObject* o, const QString& text) {
        if (!text.isEmpty())
            out.append({ describe(o), text });
    };
    for (const QAction* a : window.findChildren<QAction*>()) {
        if (!a->isSeparator())
            add(a, a->text());
    }
    for (const QLabel* l : window.findChildren<QLabel*>())
        add(l, l->text());
    for (const QAbstractButton* b : window.findChildren<QAbstractButton*>())
        add(b, b->text());
    for (const QMenu* m : window.findChildren<QMenu*>())
        add(m, m->title());
    for (const QTabBar* t : window.findChildren<QTabBar*>()) {
        for (int i = 0; i < t->count(); ++i)
            add(t, t->tabText(i));
    }
    for (const QDockWidget* d : window.findChildren<QDockWidget*>())
        add(d, d->windowTitle());
    for (const QLineEdit* e : window.findChildren<QLineEdit*>())
        add(e, e->placeholderText());
    for (const QHeaderView* h : window.findChildren<QHeaderView*>()) {
        if (!h->model())
            continue;
        for (int i = 0; i < h->count(); ++i)
            add(h, h->model()->headerData(i, h->orientation(), Qt::DisplayRole).toString());
    }
    return out;
}

// Translations the catalogue keeps equal to their source ("PID", "CPU %"):
// the same text in both windows is right for these.
QSet<QString> sameInSpanish()
{
    QSet<QString> out;
    QFile file(QStringLiteral(STEVEDORE_SOURCE_DIR "/resources/translations/stevedore_es.ts"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    QXmlStreamReader xml(&file);
    QString source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("source"))
            source = xml.readElementText();
        else if (xml.name() == QLatin1String("translation")
                 && xml.readElementText(QXmlStreamReader::IncludeChildElements) == source)
            out.insert(source);
    }
    return out;
}
} // namespace

class TestTranslationsGui : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void windowSpeaksSpanish();

private:
    using Rig = WindowRig;
    static Rig rig();
    static QString artifacts();
    static void showAndShoot(MainWindow& window, const QString& file);
};

QString TestTranslationsGui::artifacts()
{
    const QString dir = QStringLiteral(STEVEDORE_BINARY_DIR "/artifacts");
    QDir().mkpath(dir);
    return dir;
}

// The window over the fixture source (three containers) and the real
// dockerd, as the first-look test builds it.
TestTranslationsGui::Rig TestTranslationsGui::rig()
{
    Options o;
    o.source.kind = SourceOptions::Kind::Kmod;
    o.source.procFile = QFINDTESTDATA("fixtures/kmod_three.json");
    o.intervalSeconds = 3600; // one tick at start
    o.dockerHost = QStringLiteral("unix:///var/run/docker.sock");
    o.manage = false;
    o.listen = false;
    return openWindow(engineSettings(o), SpawnSettings {}, /*showStopped=*/false);
}

void TestTranslationsGui::showAndShoot(MainWindow& window, const QString& file)
{
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(300); // the charts' first layout
    QVERIFY(window.grab().save(artifacts() + QLatin1Char('/') + file));
}

void TestTranslationsGui::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("stevedore-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_translations_gui"));
    QSettings().clear();
}

void TestTranslationsGui::cleanupTestCase()
{
    QSettings().clear();
}

void TestTranslationsGui::windowSpeaksSpanish()
{
    // English: no catalogue installed, the source strings.
    Rig en = rig();
    showAndShoot(*en.window, QStringLiteral("mainwindow-en.png"));
    QCOMPARE(action(*en.window, "quitAction")->text(), QStringLiteral("&Quit"));
    const QList<Shown> english = textsOf(*en.window);
    en.window->close();

    // Spanish, as main() does for LANG=es_ES.UTF-8.
    const QString catalogue = Translations::install(QLocale(QLocale::Spanish, QLocale::Spain));
    QVERIFY2(catalogue.endsWith(QLatin1String("stevedore_es.qm")), qPrintable(catalogue));
    // Qt's own catalogue (qt6-translations-l10n): the standard buttons.
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Cancelar"));

    Rig es = rig();
    showAndShoot(*es.window, QStringLiteral("mainwindow-es.png"));
    MainWindow& w = *es.window;
    QCOMPARE(action(w, "quitAction")->text(), QStringLiteral("&Salir"));
    QCOMPARE(action(w, "spawnAction")->text(), QStringLiteral("&Crear…"));
    QCOMPARE(action(w, "freezeAction")->text(), QStringLiteral("Conge&lar la vista"));
    QCOMPARE(action(w, "autoManageAction")->text(), QStringLiteral("Gestión &automática"));
    QCOMPARE(part<QTabWidget>(w, "chartTabs")->tabText(0), QStringLiteral("&Sistema"));
    QCOMPARE(part<QDockWidget>(w, "managerDock")->windowTitle(), QStringLiteral("Gestor"));
    const QTableView* table = part<QTableView>(w, "containerTable");
    QCOMPARE(table->model()->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Nombre"));
    QVERIFY2(label(w, "tickLabel")->text().startsWith(QStringLiteral("Último ciclo")),
             qPrintable(label(w, "tickLabel")->text()));
    QStringList menus;
    for (const QAction* a : w.menuBar()->actions())
        menus.append(a->text());
    QVERIFY2(menus.contains(QStringLiteral("&Archivo")) && menus.contains(QStringLiteral("&Contenedores"))
                 && menus.contains(QStringLiteral("A&yuda")),
             qPrintable(menus.join(QLatin1String(", "))));

    // The walk: nothing that reads the same in both windows, but for words
    // Spanish shares and text without words (figures, units).
    const QList<Shown> spanish = textsOf(w);
    QCOMPARE(spanish.size(), english.size());
    // The walk reaches the menus, the table's header and the status bar.
    QVERIFY2(spanish.size() > 80, qPrintable(QString::number(spanish.size())));
    qInfo("%lld texts compared", qlonglong(spanish.size()));
    const QSet<QString> same = sameInSpanish();
    static const QRegularExpression word(QStringLiteral("[A-Za-z]{3,}"));
    QStringList untranslated;
    for (int i = 0; i < spanish.size(); ++i) {
        const QString& text = spanish.at(i).text;
        if (text != english.at(i).text || same.contains(text) || !text.contains(word))
            continue;
        untranslated.append(spanish.at(i).what + QStringLiteral(": \"") + text + QLatin1Char('"'));
    }
    // Each menu's accelerators stay unique in Spanish (Alt+letter reaches
    // one entry); the menu bar's too.
    QStringList clashes;
    const auto checkAccelerators = [&clashes](const QString& where, const QList<QAction*>& actions) {
        static const QRegularExpression accel(QStringLiteral("&([^&\\s])"));
        QHash<QChar, QString> seen;
        for (const QAction* a : actions) {
            const QString text = QString(a->text()).remove(QStringLiteral("&&"));
            const auto m = accel.match(text);
            if (a->isSeparator() || !m.hasMatch())
                continue;
            const QChar key = m.captured(1).at(0).toLower();
            if (seen.contains(key))
                clashes.append(QStringLiteral("%1: \"%2\" and \"%3\"").arg(where, seen.value(key), a->text()));
            seen.insert(key, a->text());
        }
    };
    checkAccelerators(QStringLiteral("menu bar"), w.menuBar()->actions());
    for (const QMenu* m : w.findChildren<QMenu*>())
        checkAccelerators(m->title(), m->actions());
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QLatin1Char('\n'))));

    QVERIFY2(untranslated.isEmpty(),
             qPrintable(QStringLiteral("still English:\n") + untranslated.join(QLatin1Char('\n'))));
}

QTEST_MAIN(TestTranslationsGui)
#include "tst_translations_gui.moc"
