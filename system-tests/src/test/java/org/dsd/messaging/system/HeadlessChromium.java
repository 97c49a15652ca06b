package org.dsd.messaging.system;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import org.dsd.messaging.testing.Await;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The Debian chromium, headless, driven through its chromedriver. Selenium would otherwise download a browser and a
 * driver, which a machine without internet access cannot; the packages are installed here when missing.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final File BROWSER = new File("/usr/bin/chromium");
    private static final File DRIVER = new File("/usr/bin/chromedriver");

    private static final By DIALOG_CONFIRM = By.cssSelector(".pf-v6-c-modal-box footer button.pf-m-primary");

    private final WebDriver driver;

    private HeadlessChromium(WebDriver driver) {
        this.driver = driver;
    }

    static HeadlessChromium start() throws IOException, InterruptedException {
        installIfMissing();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER)
                .usingAnyFreePort().build();
        return new HeadlessChromium(new ChromeDriver(service, options));
    }

    private static void installIfMissing() {
        if (BROWSER.canExecute() && DRIVER.canExecute()) {
            return;
        }
        if (!DebianPackages.install("chromium", "chromium-driver") || !DRIVER.canExecute()) {
            throw new AssertionError("chromium and chromedriver are missing and could not be installed: "
                    + "apt-get install chromium chromium-driver");
        }
    }

    void open(String url) {
        driver.get(url);
    }

    /** Fills the Spring Security login form the browser was sent to, and sends it. */
    void logIn(String user, String password) {
        driver.findElement(By.name("username")).sendKeys(user);
        driver.findElement(By.name("password")).sendKeys(password);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
    }

    /**
     * Hawtio's Connect, from a console the browser is logged into: adds a connection to the Jolokia endpoint of
     * another app on this host, opens it (Hawtio opens a new window) and logs in there.
     */
    void connect(String name, int port, String user, String password) {
        element(By.cssSelector("#connect-toolbar button")).click();
        WebElement form = element(By.id("connection-form"));
        form.findElement(By.id("connection-form-name")).sendKeys(name);
        if (form.findElement(By.id("connection-form-scheme")).isSelected()) {
            // https is the default
            form.findElement(By.cssSelector(".pf-v6-c-switch__toggle")).click();
        }
        replaceText(form.findElement(By.id("connection-form-host")), "127.0.0.1");
        replaceText(form.findElement(By.id("connection-form-port")), String.valueOf(port));
        replaceText(form.findElement(By.id("connection-form-path")), "/actuator/jolokia");
        element(DIALOG_CONFIRM).click();

        String console = driver.getWindowHandle();
        WebElement connection = element(By.cssSelector("#connect-connection-list div[rowid=\"connection " + name
                + "\"]"));
        // The list takes clicks only once the dialog has gone: click until the connection's window opens.
        Await.until(Duration.ofSeconds(30), "the connection's window", () -> {
            try {
                connection.click();
            } catch (WebDriverException dialogStillClosing) {
                return false;
            }
            Await.pause(Duration.ofSeconds(1));
            return driver.getWindowHandles().size() > 1;
        });
        driver.getWindowHandles().stream().filter(handle -> !handle.equals(console)).findFirst()
                .ifPresent(handle -> driver.switchTo().window(handle));
        WebElement login = element(By.id("connect-login-form"));
        login.findElement(By.id("connect-login-form-username")).sendKeys(user);
        login.findElement(By.id("connect-login-form-password")).sendKeys(password);
        element(DIALOG_CONFIRM).click();
        Await.until(Duration.ofSeconds(30), "the connection's console past its login",
                () -> !driver.getCurrentUrl().contains("/connect/login"));
    }

    private WebElement element(By locator) {
        AtomicReference<WebElement> found = new AtomicReference<>();
        Await.until(Duration.ofSeconds(30), locator.toString(), () -> {
            try {
                WebElement element = driver.findElement(locator);
                found.set(element);
                return element.isDisplayed();
            } catch (WebDriverException notYet) {
                return false;
            }
        });
        return found.get();
    }

    private static void replaceText(WebElement field, String text) {
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), text);
    }

    String currentUrl() {
        return driver.getCurrentUrl();
    }

    /** Waits until the page's visible text holds every one of {@code texts}. */
    void awaitText(Duration timeout, String... texts) {
        Await.until(timeout, "the page showing " + String.join(", ", texts), () -> {
            try {
                String shown = driver.findElement(By.tagName("body")).getText();
                return Arrays.stream(texts).allMatch(shown::contains);
            } catch (WebDriverException stillLoading) {
                return false;
            }
        });
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), file,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
