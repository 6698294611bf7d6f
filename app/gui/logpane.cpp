#include "gui/logpane.h"

#include "core/docker/dockerclient.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

LogPane::LogPane(DockerClient* client, QWidget* parent)
    : QWidget(parent)
    , m_stream(new ContainerLogStream(client, this))
    , m_view(new QPlainTextEdit)
    , m_search(new QLineEdit)
    , m_follow(new QCheckBox(tr("&Follow")))
    , m_timestamps(new QCheckBox(tr("&Timestamps")))
    , m_copy(new QToolButton)
    , m_save(new QToolButton)
    , m_status(new QLabel)
{
    setObjectName(QStringLiteral("logPane"));
    m_view->setObjectName(QStringLiteral("logView"));
    m_view->setReadOnly(true);
    m_view->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_view->setMaximumBlockCount(maxLines); // the ring: the oldest lines go first
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setUndoRedoEnabled(false);
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(tr("Search the log (Enter: next match)"));
    m_search->setClearButtonEnabled(true);
    m_follow->setObjectName(QStringLiteral("logFollow"));
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Scroll to each new line; off, the view holds still while lines keep coming"));
    m_timestamps->setObjectName(QStringLiteral("logTimestamps"));
    m_timestamps->setToolTip(tr("Show Docker's time of each line (from the next container or restart)"));
    m_copy->setObjectName(QStringLiteral("logCopy"));
    m_copy->setText(tr("&Copy"));
    m_copy->setToolTip(tr("Copy the selected lines, or the whole log when nothing is selected"));
    m_save->setObjectName(QStringLiteral("logSave"));
    m_save->setText(tr("&Save…"));
    m_save->setToolTip(tr("Save the lines shown to a file"));
    m_status->setObjectName(QStringLiteral("logStatus"));

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_follow);
    bar->addWidget(m_timestamps);
    bar->addWidget(m_copy);
    bar->addWidget(m_save);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);

    m_highlightLater.setSingleShot(true);
    m_highlightLater.setInterval(300);
    connect(&m_highlightLater, &QTimer::timeout, this, &LogPane::highlight);
    m_flushLater.setSingleShot(true);
    connect(&m_flushLater, &QTimer::timeout, this, &LogPane::flush);
    connect(m_search, &QLineEdit::textChanged, this, &LogPane::highlight);
    connect(m_search, &QLineEdit::returnPressed, this, &LogPane::findNext);
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            m_view->verticalScrollBar()->setValue(m_view->verticalScrollBar()->maximum());
    });
    connect(m_timestamps, &QCheckBox::toggled, this, &LogPane::restart);
    connect(m_copy, &QToolButton::clicked, this, &LogPane::copy);
    connect(m_save, &QToolButton::clicked, this, &LogPane::save);
    connect(m_stream, &ContainerLogStream::linesReceived, this, &LogPane::append);
    connect(m_stream, &ContainerLogStream::finished, this, [this](const QString& error) {
        m_status->setText(error.isEmpty() ? tr("%1: the log ended (the container stopped)").arg(m_name)
                                          : tr("%1: %2").arg(m_name, error));
    });
    restart();
}

void LogPane::setContainer(const QString& id, const QString& name)
{
    if (id == m_id)
        return;
    m_id = id;
    m_name = name.isEmpty() ? id.left(12) : name;
    restart();
}

void LogPane::restart()
{
    // The old stream's lines never reach the new container's view.
    m_stream->stop();
    m_flushLater.stop();
    m_pending.clear();
    m_view->clear();
    m_highlights = 0;
    if (m_id.isEmpty()) {
        m_status->setText(tr("Select a container to follow its log."));
        return;
    }
    if (!isVisible()) {
        m_status->setText(tr("%1: shown when this tab is open").arg(m_name));
        return;
    }
    LogsQuery q;
    q.follow = true;
    q.tail = tailLines;
    q.timestamps = m_timestamps->isChecked();
    m_stream->start(m_id, q);
    m_status->setText(tr("%1: the last %2 lines, then live").arg(m_name).arg(tailLines));
}

void LogPane::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (!m_id.isEmpty() && !m_stream->isRunning())
        restart();
}

void LogPane::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_stream->stop();
}

void LogPane::append(const QList<DockerLogLine>& lines)
{
    m_pending.append(lines);
    // More than the ring holds would only be inserted to be dropped.
    if (m_pending.size() > maxLines)
        m_pending.remove(0, m_pending.size() - maxLines);
    if (m_flushLater.isActive())
        return;
    // A quiet log shows each line at once; a chatty one every kFlushMs.
    if (!m_sinceFlush.isValid() || m_sinceFlush.elapsed() >= kFlushMs)
        flush();
    else
        m_flushLater.start(int(kFlushMs - m_sinceFlush.elapsed()));
}

void LogPane::flush()
{
    m_sinceFlush.start();
    if (m_pending.isEmpty())
        return;
    const QList<DockerLogLine> lines = std::move(m_pending);
    m_pending.clear();
    QScrollBar* bar = m_view->verticalScrollBar();
    const int keep = bar->value();
    QTextCharFormat out;
    QTextCharFormat err;
    err.setForeground(QColor(0xd6, 0x27, 0x28)); // the charts' red
    QTextCursor cursor(m_view->document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    for (const DockerLogLine& l : lines) {
        QString text = l.text;
        // 10000 lines of at most this many characters: the pane's memory
        // has a ceiling whatever the container prints.
        if (text.size() > maxLineChars) {
            text.truncate(maxLineChars);
            text += QChar(0x2026);
        }
        if (l.timeNs > 0)
            text.prepend(DockerJson::formatTimestampNs(l.timeNs).left(23).replace(QLatin1Char('T'), QLatin1Char(' '))
                         + QLatin1Char(' '));
        if (!m_view->document()->isEmpty())
            cursor.insertBlock();
        cursor.insertText(text, l.stream == DockerLogLine::Stream::Stdout ? out : err);
    }
    cursor.endEditBlock();
    if (m_follow->isChecked())
        bar->setValue(bar->maximum());
    else
        bar->setValue(keep);
    if (!m_search->text().isEmpty() && !m_highlightLater.isActive())
        m_highlightLater.start();
    Q_EMIT linesAppended(int(lines.size()));
}

int LogPane::lineCount() const
{
    return m_view->document()->isEmpty() ? 0 : m_view->document()->blockCount();
}

QString LogPane::text() const
{
    return m_view->toPlainText();
}

void LogPane::highlight()
{
    QList<QTextEdit::ExtraSelection> marks;
    const QString needle = m_search->text();
    if (!needle.isEmpty()) {
        QTextEdit::ExtraSelection mark;
        mark.format.setBackground(QColor(0xff, 0xe0, 0x66));
        mark.format.setForeground(Qt::black);
        QTextDocument* doc = m_view->document();
        QTextCursor c = doc->find(needle, 0);
        // Bounded: a one-letter search in 10000 lines must not stall.
        while (!c.isNull() && marks.size() < 5000) {
            mark.cursor = c;
            marks.append(mark);
            c = doc->find(needle, c);
        }
    }
    m_highlights = int(marks.size());
    m_view->setExtraSelections(marks);
}

void LogPane::findNext()
{
    const QString needle = m_search->text();
    if (needle.isEmpty())
        return;
    if (!m_view->find(needle)) {
        m_view->moveCursor(QTextCursor::Start); // wrap around
        m_view->find(needle);
    }
    m_follow->setChecked(false); // looking at a match: stay there
}

void LogPane::copy() const
{
    const QString selected = m_view->textCursor().selectedText().replace(QChar::ParagraphSeparator, QLatin1Char('\n'));
    QApplication::clipboard()->setText(selected.isEmpty() ? text() : selected);
}

bool LogPane::saveTo(const QString& path, QString* error) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) {
        *error = f.errorString();
        return false;
    }
    f.write(text().toUtf8());
    f.write("\n");
    if (!f.commit()) {
        *error = f.errorString();
        return false;
    }
    return true;
}

void LogPane::save()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save log"), m_name + QStringLiteral(".log"),
                                                      tr("Log files (*.log *.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (saveTo(path, &error))
        m_status->setText(tr("Saved %n lines to %1", nullptr, int(lineCount())).arg(path));
    else
        QMessageBox::warning(this, tr("Save log"), tr("Cannot write %1: %2").arg(path, error));
}
