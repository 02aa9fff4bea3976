import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Runs one query against the local warehouse (a DuckDB file), read-only, and prints a table. Run by
 * {@code ./fhirpipe sql "..."} as a single-file program with the DuckDB driver on the class path.
 * The loader holds the file while the stack runs (DuckDB allows one writing process), so stop it first.
 */
public class Sql {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Sql <duckdb file> <query>");
            System.exit(2);
        }
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0], readOnly);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(args[1])) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            List<String[]> rows = new ArrayList<>();
            String[] header = new String[n];
            for (int i = 0; i < n; i++) {
                header[i] = meta.getColumnLabel(i + 1);
            }
            rows.add(header);
            while (rs.next() && rows.size() <= 1000) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = String.valueOf(rs.getObject(i + 1));
                }
                rows.add(row);
            }
            int[] widths = new int[n];
            for (String[] row : rows) {
                for (int i = 0; i < n; i++) {
                    widths[i] = Math.min(60, Math.max(widths[i], row[i].length()));
                }
            }
            for (int r = 0; r < rows.size(); r++) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    String v = rows.get(r)[i];
                    line.append(String.format("%-" + widths[i] + "s  ", v.length() > 60 ? v.substring(0, 57) + "..." : v));
                }
                System.out.println(line.toString().stripTrailing());
                if (r == 0) {
                    System.out.println("-".repeat(line.toString().stripTrailing().length()));
                }
            }
            System.out.println("(" + (rows.size() - 1) + " row" + (rows.size() == 2 ? "" : "s") + ")");
        }
    }
}
