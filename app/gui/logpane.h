#pragma once

#include "core/docker/logstream.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class DockerClient;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

// The selected container's log, live: stdout and stderr (stderr in the
// error colour) from the Docker logs API, the last `tailLines` lines first,
// then new ones as the container prints them. Memory is bounded however
// long it runs: the view keeps at most maxLines lines and drops the oldest
// (a ring of lines). Switching containers stops the old stream before the
// new one starts; nothing streams while the pane is hidden.
//
// Parts (objectName): "logView" (the text), "logSearch" (highlights every
// match, Enter finds the next), "logFollow" (auto-scroll; off holds the
// view still while lines keep arriving), "logTimestamps", "logCopy"
// (the selection, or everything), "logSave" (to a file), "logStatus".
class LogPane : public QWidget
{
    Q_OBJECT
public:
    static constexpr int maxLines = 10000;
    static constexpr int tailLines = 500;
    static constexpr int maxLineChars = 2000; // longer lines are cut (…)

    explicit LogPane(DockerClient* client, QWidget* parent = nullptr);

    // The container to follow (empty id: none).
    void setContainer(const QString& id, const QString& name);
    QString containerId() const { return m_id; }
    bool isStreaming() const { return m_stream->isRunning(); }
    int lineCount() const;
    QString text() const;
    // Matches of the search text now highlighted.
    int highlightCount() const { return m_highlights; }

    // Reads the log again from its last lines (the container was started
    // again: a followed log ends when the container stops).
    void reload() { restart(); }

    // Writes the lines shown to `path`; false with `error` set on failure.
    bool saveTo(const QString& path, QString* error) const;
    void copy() const;

Q_SIGNALS:
    void linesAppended(int count);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void restart();
    void append(const QList<DockerLogLine>& lines);
    void flush();
    void highlight();
    void findNext();
    void save();

    ContainerLogStream* m_stream;
    QString m_id;
    QString m_name;
    QPlainTextEdit* m_view;
    QLineEdit* m_search;
    QCheckBox* m_follow;
    QCheckBox* m_timestamps;
    QToolButton* m_copy;
    QToolButton* m_save;
    QLabel* m_status;
    QTimer m_highlightLater; // matches are found again at most a few times a second
    // Lines are put in the view at most kFlushMs apart: a container that
    // prints a thousand lines a second costs four edits and repaints a
    // second, not one per chunk the stream delivers.
    static constexpr int kFlushMs = 250;
    QList<DockerLogLine> m_pending;
    QTimer m_flushLater;
    QElapsedTimer m_sinceFlush;
    int m_highlights = 0;
};
