#include "gui/ruleseditor.h"

#include "charts/chartexport.h"
#include "core/alerts/alertservice.h"
#include "core/engine/engine.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QTextBlock>
#include <QVBoxLayout>

RulesEditor::RulesEditor(Engine* engine, QWidget* parent)
    : QDialog(parent)
    , m_engine(engine)
    , m_text(new QPlainTextEdit)
    , m_status(new QLabel)
    , m_results(new QListWidget)
{
    setObjectName(QStringLiteral("rulesEditor"));
    setWindowTitle(tr("Alert rules"));
    AlertService* alerts = m_engine ? m_engine->alerts() : nullptr;
    m_path = alerts ? alerts->settings().rulesFile : defaultRulesFile();

    m_text->setObjectName(QStringLiteral("rulesText"));
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFile file(m_path);
    // A new file starts from the built-in rules, which are then the user's to change.
    m_text->setPlainText(file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.read(4 * 1024 * 1024))
                                                        : QString::fromUtf8(defaultRulesJson()));
    m_status->setObjectName(QStringLiteral("rulesStatus"));
    m_status->setWordWrap(true);
    m_status->setText(tr("Editing %1").arg(QDir::toNativeSeparators(m_path)));
    m_results->setObjectName(QStringLiteral("rulesTestResults"));

    auto* checkButton = new QPushButton(tr("&Check"));
    auto* testButton = new QPushButton(tr("&Test on the last 15 minutes"));
    testButton->setObjectName(QStringLiteral("testRulesButton"));
    connect(checkButton, &QPushButton::clicked, this, &RulesEditor::check);
    connect(testButton, &QPushButton::clicked, this, &RulesEditor::test);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (save())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* row = new QHBoxLayout;
    row->addWidget(checkButton);
    row->addWidget(testButton);
    row->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_text, 3);
    layout->addWidget(m_status);
    layout->addLayout(row);
    layout->addWidget(m_results, 1);
    layout->addWidget(buttons);
    resize(760, 640);
}

std::optional<RuleSet> RulesEditor::parsed()
{
    RulesError error;
    auto set = parseRules(m_text->toPlainText().toUtf8(), &error);
    if (!set) {
        m_status->setText(error.message);
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        if (error.line > 0) {
            QTextCursor cursor(m_text->document()->findBlockByNumber(error.line - 1));
            m_text->setTextCursor(cursor);
            m_text->setFocus();
        }
        return std::nullopt;
    }
    m_status->setStyleSheet(QString());
    return set;
}

bool RulesEditor::check()
{
    const auto set = parsed();
    if (!set)
        return false;
    int enabled = 0;
    for (const AlertRule& r : set->rules)
        enabled += r.enabled ? 1 : 0;
    m_status->setText(tr("%n rules, %1 enabled: the file is valid", nullptr, int(set->rules.size())).arg(enabled));
    return true;
}

void RulesEditor::test()
{
    if (!m_engine)
        return;
    QList<Snapshot> history;
    QString error;
    const QDateTime now = QDateTime::currentDateTime();
    if (!loadStoreForCharts(m_engine->dataDir(), now.addSecs(-15 * 60), QDateTime(), &history, &error)) {
        m_results->clear();
        m_status->setText(tr("No stored data to test on: %1").arg(error));
        return;
    }
    testOn(history);
}

void RulesEditor::testOn(const QList<Snapshot>& history)
{
    const auto set = parsed();
    if (!set)
        return;
    m_results->clear();
    const QList<AlertEvent> events = replayRules(set->rules, history);
    int fired = 0;
    for (const AlertEvent& e : events) {
        const bool firing = e.state == AlertEvent::State::Firing;
        fired += firing ? 1 : 0;
        m_results->addItem((firing ? tr("%1: %2 would have fired at %3 on %4 (value %5, threshold %6)")
                                   : tr("%1: %2 would have resolved at %3 on %4 (value %5, threshold %6)"))
                               .arg(alertSeverityName(e.severity), e.rule,
                                    e.at.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
                                    e.containerName.isEmpty() ? e.containerId.left(12) : e.containerName)
                               .arg(e.value, 0, 'g', 4)
                               .arg(e.threshold, 0, 'g', 4));
    }
    m_status->setText(history.isEmpty()
                          ? tr("No stored data in the last 15 minutes")
                          : tr("%n stored snapshots from %1: %2 alerts would have fired", nullptr, int(history.size()))
                                .arg(history.first().timestamp.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
                                .arg(fired));
}

bool RulesEditor::save()
{
    if (!check())
        return false;
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_text->toPlainText().toUtf8()) < 0 || !file.commit()) {
        m_status->setText(tr("Cannot save %1: %2").arg(m_path, file.errorString()));
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        return false;
    }
    QString message;
    const bool ok = m_engine && m_engine->reloadRules(&message);
    m_status->setText(tr("Saved. %1").arg(message));
    return ok;
}
