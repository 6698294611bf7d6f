// A separate process for the tests that must not share an event loop or a
// memory figure with the test itself:
//   receiver_helper serve DATADIR [IDLE_MS] [MAX_BODY]
//       runs a LogReceiver on 127.0.0.1:<free port>, prints "PORT <n>",
//       serves until killed.
//   receiver_helper ingest DATADIR FIRST_SEQ [MAX_FILE_BYTES]
//       opens the LogStore (printing "OPEN <repairs>"), then appends entries
//       FIRST_SEQ, FIRST_SEQ+1, ... printing "ACK <seq>" after each append
//       returned Ok, until killed. The durability test kill -9s it.
#include "core/model/logentry.h"
#include "core/receiver/logreceiver.h"
#include "core/store/logstore.h"
#include "receivertestutil.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: receiver_helper serve|ingest DATADIR ...\n");
        return 2;
    }
    const QString mode = args[1];
    const QString dataDir = args[2];
    if (mode == QLatin1String("serve")) {
        ReceiverSettings ro;
        ro.port = 0;
        if (args.size() > 3)
            ro.limits.idleTimeoutMs = args[3].toInt();
        if (args.size() > 4)
            ro.limits.maxBodyBytes = args[4].toLongLong();
        StoreSettings so;
        so.dataDir = dataDir;
        LogReceiver receiver(ro, so);
        QString err;
        if (!receiver.start(&err)) {
            std::fprintf(stderr, "%s\n", qPrintable(err));
            return 1;
        }
        std::printf("PORT %d\n", receiver.port());
        std::fflush(stdout);
        return app.exec();
    }
    if (mode == QLatin1String("ingest")) {
        StoreSettings so;
        so.dataDir = dataDir;
        if (args.size() > 4)
            so.maxFileBytes = args[4].toLongLong();
        so.retainedFiles = 100000;
        LogStore store(so);
        QString err;
        if (!store.open(&err)) {
            std::fprintf(stderr, "%s\n", qPrintable(err));
            return 1;
        }
        std::printf("OPEN %d\n", int(store.recoveryNotes().size()));
        std::fflush(stdout);
        for (qint64 seq = args.value(3).toLongLong();; ++seq) {
            NormalisedEntry e;
            if (!normaliseLogEntry(testutil::originalEntry(seq), e, &err)) {
                std::fprintf(stderr, "%s\n", qPrintable(err));
                return 1;
            }
            if (store.append(e.line, &err) != StoreStatus::Ok) {
                std::fprintf(stderr, "%s\n", qPrintable(err));
                return 1;
            }
            std::printf("ACK %lld\n", static_cast<long long>(seq));
            std::fflush(stdout);
        }
    }
    std::fprintf(stderr, "unknown mode %s\n", qPrintable(mode));
    return 2;
}
