// CSV limits against hostile files (issue 15): every field becomes a string while the text is
// split, so a file of nothing but commas or short lines used to take about 40 bytes of memory per
// byte of file before any check; the column limit held only for the header row. Now a row of any
// line wider than 100000 fields, or more rows than CsvOptions::maxRows, is refused while
// splitting, naming the line.
#include <QtTest>

#include "data/csv.h"
#include "support/error_text.h"

using namespace gradlab;
using gradlab::test::errorOf;

class TstCsvLimits : public QObject {
  Q_OBJECT
 private slots:
  void aWideDataRowIsRefusedNamingItsLine() {
    const std::string text = "a,b\n1,2\n3,4\n" + std::string(200000, ',') + "\n5,6\n";
    QElapsedTimer t;
    t.start();
    VERIFY_ERROR(errorOf([&] { parseCsv(text, "wide.csv"); }),
                 "wide.csv:4: more than 100000 columns; Gradlab reads at most 100000 (is this a CSV file?)");
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed()) + " ms"));
  }

  void aRowOfExactlyTheLimitIsNotRefusedForItsWidth() {
    // 100000 columns are allowed: the error is about the values, not the width.
    std::string header, row;
    for (int c = 0; c < 100000; ++c) header += (c ? ",c" : "c") + std::to_string(c);
    const std::string text = header + "\n" + std::string(99999, ',') + "\n";
    VERIFY_ERROR(errorOf([&] { parseCsv(text, "w.csv"); }), "w.csv:2: column 'c0' is empty");
  }

  void moreRowsThanTheLimitAreRefusedNamingTheLine() {
    const std::string text = "x,y\n1,0\n\n2,1\n3,0\n4,1\n";
    QCOMPARE(parseCsv(text, "rows.csv", {.maxRows = 4}).size(), int64_t(4));
    VERIFY_ERROR(errorOf([&] { parseCsv(text, "rows.csv", {.maxRows = 3}); }),
                 "rows.csv:6: more than 3 data rows; Gradlab reads at most that many (split the file or sample it)");
  }
};

QTEST_APPLESS_MAIN(TstCsvLimits)
#include "tst_csv_limits.moc"
