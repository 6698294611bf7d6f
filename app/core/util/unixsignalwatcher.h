#pragma once

#include <QObject>

#include <initializer_list>

class QSocketNotifier;

// Turns SIGINT/SIGTERM/SIGHUP into a Qt signal on the event loop (the
// self-pipe trick from Qt's "Calling Qt Functions From Unix Signal Handlers"),
// so shutdown runs as ordinary code: final log entry, charts, crontab clean-up.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(std::initializer_list<int> signals, QObject* parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    void unixSignal(int signalNumber);

private:
    void readSignal();
    QSocketNotifier* m_notifier = nullptr;
};
