package dev.dialwise.peer;

/**
 * A row for the DuckDB sink: which table (or control record) it is for, and
 * its columns as text (DuckDB casts them on the way in, as Dialwise's sink
 * stages timestamps and JSON as text). A Flink POJO: an int and a String[]
 * travel through Flink's own serializers, not Kryo.
 */
public class Row {
  public static final int DEAD = 0;
  public static final int CALL = 1;
  public static final int TURN = 2;
  public static final int HIT = 3;
  public static final int PROFILE = 4;
  public static final int TOUCH = 5;
  public static final int VISIT = 6;
  public static final int CONSENT = 7;
  /** Control: one enrichment subtask's counters (absolute totals). */
  public static final int COUNTERS = 8;
  /** Control: the next offset of a source partition. */
  public static final int OFFSET = 9;
  /** Control: a customer.erased; the customer's stored rows go. */
  public static final int ERASE = 10;

  public int kind;
  public String[] v;

  public Row() {}

  public Row(int kind, String[] v) {
    this.kind = kind;
    this.v = v;
  }
}
