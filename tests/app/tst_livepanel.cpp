// The Live tab offscreen: without an input device it says so plainly; audio
// fed as a device would deliver it (44.1 kHz, resampled) keeps a 30 s rolling
// buffer and gets a rolling classification at least once a second.

#include "TestAudio.h"

#include "LivePanel.h"
#include "SongAnalysis.h"

#include <QLabel>
#include <QAudioDevice>
#include <QMediaDevices>
#include <QElapsedTimer>
#include <QTest>

using namespace genrescope::app;

class TestLivePanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void saysPlainlyWhenThereIsNoDevice()
    {
        LivePanel panel;
        if (!QMediaDevices::audioInputs().isEmpty())
            QSKIP("this machine has an audio input");
        QVERIFY(!panel.hasInputDevice());
        QStringList texts;
        for (QLabel* l : panel.findChildren<QLabel*>())
            texts << l->text();
        QVERIFY2(texts.join('\n').contains(QStringLiteral("No audio input device was found")), qPrintable(texts.join('\n')));
    }

    void classifiesARollingWindow()
    {
        if (!genrescope::workflow::defaultClassifier())
            QSKIP("this build has no default models in models/");
        LivePanel panel;
        panel.show();
        const auto noise = testaudio::noise(40.0, 44100, 3, 0.3f);
        const long chunk = 4410;  // 0.1 s, as a device delivers it
        long at = 0;
        for (; at + chunk <= long(noise.size()) && at < 12L * 44100; at += chunk)
            panel.feedSamples(noise.data() + at, chunk, 44100);
        QVERIFY(std::abs(panel.bufferedSeconds() - 12.0) < 0.2);
        QTRY_VERIFY_WITH_TIMEOUT(panel.classifications() >= 1, 10000);
        // Every further second of sound brings a new classification of the last 30 s.
        for (int second = 0; second < 3; ++second) {
            const int before = panel.classifications();
            for (int k = 0; k < 10; ++k, at += chunk)
                panel.feedSamples(noise.data() + at, chunk, 44100);
            QTRY_COMPARE_WITH_TIMEOUT(panel.classifications(), before + 1, 10000);
        }
        for (; at + chunk <= long(noise.size()); at += chunk)
            panel.feedSamples(noise.data() + at, chunk, 44100);
        QVERIFY(panel.bufferedSeconds() <= 30.0 + 1e-9);
    }
};

QTEST_MAIN(TestLivePanel)
#include "tst_livepanel.moc"
