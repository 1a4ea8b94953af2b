// A real ImageJ 1.x for the tests, driven over stdin/stdout by test/imagej/live-imagej.ts. Run with Java's source launcher:
//   DISPLAY=:N java -cp /usr/share/java/ij.jar test/imagej/FqImageJ.java
// It exists because desktop ImageJ differs from ImageJ.JS (imjoy-team/ImageJA.JS 1.53m3) in one way the tests cannot live
// with: a macro error opens a modal dialog and blocks, where ImageJ.JS rejects the macro's promise with the message
// (ij/macro/Interpreter.java showError, ij/IJ.java error: Global.jsCall("onMacroReject", ...)). Here a watcher closes
// those dialogs and reports their text, so a failing macro answers at once and ImageJ keeps its state.
// The other commands call the same Java that ImageJ.JS's JavaScript calls (ij/IJ.java getPixels, getDimensions,
// saveAsBytes, installMacro in the fork), so the bytes the bridge hands out are the bytes ImageJ.JS hands out.
//
// Protocol: one request per line, tab-separated: <id> <command> <args...> <resultFile>. The answer is the line
// "<id>\t<status>" with status ok | return | aborted | error; any text (return value, error message, metadata) is written
// to <resultFile> as UTF-8 first.
import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.MessageDialog;
import ij.gui.MultiLineLabel;
import ij.plugin.MacroInstaller;
import ij.plugin.Macro_Runner;
import ij.process.ImageProcessor;
import java.awt.Component;
import java.awt.Container;
import java.awt.Dialog;
import java.awt.EventQueue;
import java.awt.Label;
import java.awt.TextComponent;
import java.awt.Window;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

public class FqImageJ {
  /** Error dialogs closed while the current request ran, as ImageJ.JS would have reported them. */
  private static final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  /** When each dialog was first seen showing: it is read once, then closed once it has shown for SETTLE_MS. */
  private static final Map<Window, Long> firstSeen = new WeakHashMap<>();
  private static final long SETTLE_MS = 300;

  public static void main(String[] args) throws Exception {
    new ImageJ();
    Thread watcher = new Thread(FqImageJ::watchDialogs, "fq-dialog-watcher");
    watcher.setDaemon(true);
    watcher.start();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("ready\t" + IJ.getVersion());
    System.out.flush();
    for (String line; (line = in.readLine()) != null; ) {
      String[] a = line.split("\t", -1);
      if (a.length < 3) continue;
      if (a[1].equals("quit")) break;
      String resultFile = a[a.length - 1];
      String status;
      String text;
      errors.clear();
      resetLastError();
      try {
        String[] r = handle(a);
        status = r[0];
        text = r[1];
      } catch (Throwable e) {
        status = "error";
        text = e.getMessage() == null ? e.toString() : e.getMessage();
      }
      if (!errors.isEmpty()) {
        status = "error";
        text = errors.get(0);
      }
      Files.write(Paths.get(resultFile), (text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
      System.out.println(a[0] + "\t" + status);
      System.out.flush();
    }
    System.exit(0);
  }

  private static String[] handle(String[] a) throws Exception {
    switch (a[1]) {
      case "macro": {
        // Macro_Runner.runMacro: the macro's return value, null when it returns none, "[aborted]" on exit or abort.
        String code = new String(Files.readAllBytes(Paths.get(a[2])), StandardCharsets.UTF_8);
        String arg = a[3].equals("-") ? "" : new String(Files.readAllBytes(Paths.get(a[3])), StandardCharsets.UTF_8);
        String r = new Macro_Runner().runMacro(code, arg);
        if (r == null) return new String[] {"ok", ""};
        if (r.startsWith("[aborted]")) return new String[] {"aborted", r};
        return new String[] {"return", r};
      }
      case "dims": {
        int[] d = current().getDimensions();
        return new String[] {"ok", d[0] + " " + d[1] + " " + d[2] + " " + d[3] + " " + d[4]};
      }
      case "pixels": {
        // ImageJA.JS IJ.getPixels: setPosition (0 = keep) moves the displayed position, then the processor's array.
        ImagePlus imp = current();
        int c = Integer.parseInt(a[2]), z = Integer.parseInt(a[3]), t = Integer.parseInt(a[4]);
        if (c != 0 || z != 0 || t != 0) imp.setPosition(c, z, t);
        ImageProcessor ip = imp.getProcessor();
        Files.write(Paths.get(a[5]), littleEndian(ip.getPixels()));
        return new String[] {"ok", imp.getType() + " " + imp.getWidth() + " " + imp.getHeight() + " " + imp.getNChannels()};
      }
      case "save": {
        // ImageJA.JS IJ.saveAsBytes: saveAs renames the image to the file; the title is put back.
        ImagePlus imp = current();
        String title = imp.getTitle();
        IJ.saveAs(imp, a[2], a[3]);
        imp.setTitle(title);
        int[] d = imp.getDimensions();
        return new String[] {"ok", imp.getType() + " " + d[0] + " " + d[1] + " " + d[2] + " " + d[3] + " " + d[4]};
      }
      case "install": {
        new MacroInstaller().install(new String(Files.readAllBytes(Paths.get(a[2])), StandardCharsets.UTF_8));
        return new String[] {"ok", ""};
      }
      default:
        return new String[] {"error", "unknown command " + a[1]};
    }
  }

  private static ImagePlus current() {
    ImagePlus imp = WindowManager.getCurrentImage();
    // IJ.getImage's message; ImageJ.JS's call then fails with it.
    if (imp == null) throw new IllegalStateException("There are no images open");
    return imp;
  }

  /** Java arrays as CheerpJ hands them to JavaScript: typed arrays, read byte-wise in the browser's (little-endian) order. */
  private static byte[] littleEndian(Object pixels) {
    if (pixels instanceof byte[]) return (byte[]) pixels;
    if (pixels instanceof short[]) {
      short[] p = (short[]) pixels;
      ByteBuffer b = ByteBuffer.allocate(p.length * 2).order(ByteOrder.LITTLE_ENDIAN);
      b.asShortBuffer().put(p);
      return b.array();
    }
    if (pixels instanceof float[]) {
      float[] p = (float[]) pixels;
      ByteBuffer b = ByteBuffer.allocate(p.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(p);
      return b.array();
    }
    int[] p = (int[]) pixels;
    ByteBuffer b = ByteBuffer.allocate(p.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(p);
    return b.array();
  }

  /** IJ.error remembers its message (IJ.getErrorMessage); cleared per request so a dialog can be told apart from a message box. */
  private static void resetLastError() {
    try {
      Field f = IJ.class.getDeclaredField("lastErrorMessage");
      f.setAccessible(true);
      f.set(null, null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void watchDialogs() {
    while (true) {
      try {
        Thread.sleep(30);
      } catch (InterruptedException e) {
        return;
      }
      try {
        closeErrorDialogs();
      } catch (RuntimeException e) {
        // A dialog changing while it is read must not end the watcher: every later error would then block until the
        // request's timeout. Say so and look again.
        System.err.println("fq-imagej: dialog watcher: " + e);
      }
    }
  }

  private static void closeErrorDialogs() {
    for (Window w : Window.getWindows()) {
      if (!(w instanceof Dialog) || !w.isShowing()) continue;
      Dialog d = (Dialog) w;
      long now = System.currentTimeMillis();
      Long seen = firstSeen.putIfAbsent(d, now);
      boolean first = seen == null;
      String title = d.getTitle();
      String text = textOf(d).trim();
      String last = IJ.getErrorMessage();
      if ("Macro Error".equals(title) || "No Image".equals(title)) {
        // ImageJ.JS: Interpreter.showError → onMacroReject(title + ": " + msg + "\n" + variables)
        if (first) errors.add(title + ": " + text);
      } else if (d instanceof MessageDialog && last != null && text.equals(last.trim())) {
        // ImageJ.JS: IJ.error → onMacroReject(title + ":" + msg)
        if (first) errors.add(title + ":" + last);
      } else if (!(d instanceof MessageDialog)) {
        // A command's own dialog: left for the request's timeout; named once on stderr, for whoever reads the log.
        if (first) System.err.println("fq-imagej: dialog left open: " + d.getClass().getName() + " \"" + title + "\" " + text.replace('\n', ' '));
        continue;
      }
      // A modal dialog disposed while its show() is still entering the modal loop leaves that loop waiting for ever
      // (the macro blocks with no dialog left on screen): close it only once it has been showing for SETTLE_MS, and
      // again on every later look while it still shows (a dispose not handled yet).
      if (now - (first ? now : seen) < SETTLE_MS) continue;
      // What the user's OK does; a plain message box (showMessage, exit("…")) is acknowledged the same way.
      EventQueue.invokeLater(d::dispose);
    }
  }

  private static String textOf(Component c) {
    StringBuilder s = new StringBuilder();
    if (c instanceof Label) s.append(((Label) c).getText()).append('\n');
    else if (c instanceof TextComponent) s.append(((TextComponent) c).getText()).append('\n');
    else if (c instanceof MultiLineLabel) {
      try {
        Field f = MultiLineLabel.class.getDeclaredField("lines");
        f.setAccessible(true);
        String[] lines = (String[]) f.get(c);
        if (lines != null) for (String l : lines) s.append(l).append('\n');
      } catch (ReflectiveOperationException e) {
        s.append(e).append('\n');
      }
    }
    if (c instanceof Container) for (Component k : ((Container) c).getComponents()) s.append(textOf(k));
    return s.toString();
  }
}
