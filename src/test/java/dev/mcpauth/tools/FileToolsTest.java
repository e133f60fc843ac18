package dev.mcpauth.tools;

import static dev.mcpauth.tools.ToolTesting.call;
import static dev.mcpauth.tools.ToolTesting.error;
import static dev.mcpauth.tools.ToolTesting.success;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpauth.mcp.CatalogTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileToolsTest {

    @TempDir
    Path base;
    Path root;
    Path outside;
    CatalogTool listFiles;

    @BeforeEach
    void createTree() throws Exception {
        root = Files.createDirectories(base.resolve("root"));
        outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "top secret");
        Files.writeString(root.resolve("b.txt"), "hello");
        Files.setLastModifiedTime(root.resolve("b.txt"), FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
        Files.createDirectories(root.resolve("a-dir/inner"));
        Files.writeString(root.resolve("a-dir/inner/deep.txt"), "x");
        listFiles = new FileTools(root).listFiles();
    }

    @Test
    void listsTheRootWithNameTypeSizeAndMtimeSortedByName() throws Exception {
        Files.createSymbolicLink(root.resolve("c-link"), root.resolve("b.txt"));

        Map<String, Object> listing = success(listFiles, call(listFiles, Map.of()));

        assertThat(listing).containsEntry("path", ".").containsEntry("truncated", false).containsEntry("total_entries", 3);
        List<Map<String, Object>> entries = entries(listing);
        assertThat(entries).extracting(e -> e.get("name")).containsExactly("a-dir", "b.txt", "c-link");
        assertThat(entries).extracting(e -> e.get("type")).containsExactly("directory", "file", "symlink");
        assertThat(entries.get(1)).containsEntry("size", 5L).containsEntry("mtime", "2026-01-02T03:04:05Z");
        assertThat(Instant.parse((String) entries.get(0).get("mtime"))).isBefore(Instant.now().plusSeconds(5));
    }

    @Test
    void listsASubdirectoryGivenRelativeToTheRoot() throws Exception {
        Map<String, Object> listing = success(listFiles, call(listFiles, Map.of("path", "a-dir/inner")));

        assertThat(listing).containsEntry("path", "a-dir/inner");
        assertThat(entries(listing)).singleElement().satisfies(e -> assertThat(e).containsEntry("name", "deep.txt").containsEntry("size", 1L));
    }

    @Test
    void dotDotThatStaysInsideTheRootIsAllowed() throws Exception {
        Map<String, Object> listing = success(listFiles, call(listFiles, Map.of("path", "a-dir/inner/../..")));

        assertThat(listing).containsEntry("path", ".");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../..", "../outside", "subdir/../../x", "a-dir/../../outside", "./../root/../.."})
    void pathTraversalWithDotDotIsRefusedWithAReason(String path) throws Exception {
        assertThat(error(call(listFiles, Map.of("path", path)))).contains("'" + path + "'").contains("leaves the files root");
    }

    @Test
    void absolutePathIsRefusedEvenWhenItPointsInsideTheRoot() throws Exception {
        assertThat(error(call(listFiles, Map.of("path", "/etc")))).contains("is absolute");
        assertThat(error(call(listFiles, Map.of("path", root.toString())))).contains("is absolute");
    }

    @Test
    void symlinkPointingOutsideTheRootIsRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("a-dir/up"), base);

        assertThat(error(call(listFiles, Map.of("path", "escape")))).contains("symbolic link to outside the files root");
        assertThat(error(call(listFiles, Map.of("path", "a-dir/up/outside")))).contains("symbolic link to outside the files root");
        assertThat(error(call(listFiles, Map.of("path", "escape")))).doesNotContain("secret.txt");
    }

    @Test
    void directorySwappedForALinkOutsideAfterTheCheckIsRefusedNotFollowed() throws Exception {
        Path swapped = root.resolve("a-dir/inner");
        Path checked = new FileTools(root).resolveInsideRoot("a-dir/inner");
        Files.delete(swapped.resolve("deep.txt"));
        Files.delete(swapped);
        Files.createSymbolicLink(swapped, outside); // what a racing writer would do between the check and the listing

        assertThatThrownBy(() -> ConfinedDirectory.open(root.toRealPath(), checked).close())
                .isInstanceOf(java.nio.file.FileSystemException.class);
    }

    @Test
    void linkLoopAndOverlongPathAreRefusedWithAReasonAndNoJavaTypeName() throws Exception {
        Files.createSymbolicLink(root.resolve("loop"), root.resolve("loop"));

        assertThat(error(call(listFiles, Map.of("path", "loop")))).contains("'loop' cannot be resolved")
                .containsIgnoringCase("symbolic links").doesNotContain("Exception");
        assertThat(error(call(listFiles, Map.of("path", "a/".repeat(3000))))).contains("argument 'path' is 6000 characters; at most 4096")
                .doesNotContain("Exception");
        assertThat(error(call(listFiles, Map.of("path", "x".repeat(300))))).doesNotContain("Exception");
    }

    @Test
    void symlinkInsideTheRootPointingInsideIsFollowed() throws Exception {
        Files.createSymbolicLink(root.resolve("shortcut"), root.resolve("a-dir/inner"));

        Map<String, Object> listing = success(listFiles, call(listFiles, Map.of("path", "shortcut")));

        assertThat(listing).containsEntry("path", "a-dir/inner");
        assertThat(entries(listing)).extracting(e -> e.get("name")).containsExactly("deep.txt");
    }

    @Test
    void rootThatIsItselfASymlinkConfinesToItsTarget() throws Exception {
        Path linkedRoot = Files.createSymbolicLink(base.resolve("root-link"), root);
        CatalogTool tool = new FileTools(linkedRoot).listFiles();

        assertThat(entries(success(tool, call(tool, Map.of())))).extracting(e -> e.get("name")).contains("b.txt");
        assertThat(error(call(tool, Map.of("path", "../outside")))).contains("leaves the files root");
    }

    @Test
    void missingPathAndFilePathAreRefusedWithAReason() throws Exception {
        assertThat(error(call(listFiles, Map.of("path", "nope")))).contains("'nope' does not exist");
        assertThat(error(call(listFiles, Map.of("path", "b.txt")))).contains("'b.txt' is not a directory");
    }

    @Test
    void badArgumentsAreRefusedNamingTheArgument() throws Exception {
        assertThat(error(call(listFiles, Map.of("path", 42)))).contains("argument 'path' must be a string");
        assertThat(error(call(listFiles, Map.of("path", "a\0b")))).contains("argument 'path' must not contain a NUL");
        assertThat(error(call(listFiles, Map.of("recursive", true)))).contains("unknown argument recursive");
    }

    @Test
    void listingIsCappedAndSaysItWasTruncated() throws Exception {
        for (String name : List.of("e", "d", "c")) {
            Files.writeString(root.resolve(name), name);
        }
        CatalogTool capped = new FileTools(root, 3).listFiles();

        Map<String, Object> listing = success(capped, call(capped, Map.of()));

        assertThat(entries(listing)).extracting(e -> e.get("name")).containsExactly("a-dir", "b.txt", "c");
        assertThat(listing).containsEntry("truncated", true).containsEntry("total_entries", 5);
        assertThat((String) listing.get("note")).contains("first 3 of 5");
    }

    @Test
    void rootThatDoesNotExistIsAConfigurationError() {
        assertThatThrownBy(() -> new FileTools(base.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("files root");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entries(Map<String, Object> listing) {
        return (List<Map<String, Object>>) listing.get("entries");
    }
}
