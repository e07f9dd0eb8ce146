using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace Cnm.Plugins.Conformance;

/// <summary>The results of one run of <see cref="ConformanceKit"/>, writable as a table, JSON or JUnit XML.</summary>
/// <param name="Plugin">The plugin's name.</param>
/// <param name="Address">The plugin's address.</param>
/// <param name="Results">One result per check, in the order they ran.</param>
public sealed record ConformanceReport(string Plugin, string Address, IReadOnlyList<CheckResult> Results)
{
    /// <summary>True when no check failed (warnings and skips allowed).</summary>
    public bool Passed => Results.All(r => r.Outcome != CheckOutcome.Fail);

    /// <summary>The result of one check.</summary>
    public CheckResult this[string id] => Results.Single(r => r.Id == id);

    /// <summary>The failed checks.</summary>
    public IReadOnlyList<CheckResult> Failures => [.. Results.Where(r => r.Outcome == CheckOutcome.Fail)];

    /// <summary>A text table: outcome, check, reason and hint.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"plugin {Plugin} at {Address}");
        var width = Results.Max(r => r.Id.Length);
        foreach (var result in Results)
        {
            text.Append(CultureInfo.InvariantCulture, $"{result.Outcome.ToString().ToUpperInvariant(),-4}  {result.Id.PadRight(width)}");
            if (result.Reason.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {result.Reason}");
            }

            text.AppendLine();
            if (result.Hint.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"      {new string(' ', width)}  hint: {result.Hint}");
            }
        }

        var counts = Enum.GetValues<CheckOutcome>().Select(o => $"{Results.Count(r => r.Outcome == o)} {o.ToString().ToLowerInvariant()}");
        text.AppendLine(string.Join(", ", counts));
        return text.ToString();
    }

    /// <summary>The report as JSON: plugin, address, passed, and the checks.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("plugin", Plugin);
            writer.WriteString("address", Address);
            writer.WriteBoolean("passed", Passed);
            writer.WriteStartArray("checks");
            foreach (var result in Results)
            {
                writer.WriteStartObject();
                writer.WriteString("id", result.Id);
                writer.WriteString("title", result.Title);
                writer.WriteString("outcome", result.Outcome.ToString().ToLowerInvariant());
                writer.WriteString("reason", result.Reason);
                writer.WriteString("hint", result.Hint);
                writer.WriteNumber("seconds", Math.Round(result.Duration.TotalSeconds, 3));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The report as JUnit XML: one test case per check; fail is a failure, skip is skipped, warn passes with system-out.</summary>
    public string ToJUnitXml()
    {
        var suite = new XElement("testsuite",
            new XAttribute("name", $"plugin conformance: {Plugin}"),
            new XAttribute("tests", Results.Count),
            new XAttribute("failures", Results.Count(r => r.Outcome == CheckOutcome.Fail)),
            new XAttribute("skipped", Results.Count(r => r.Outcome == CheckOutcome.Skip)),
            new XAttribute("time", Seconds(Results.Aggregate(TimeSpan.Zero, (t, r) => t + r.Duration))));
        foreach (var result in Results)
        {
            var testCase = new XElement("testcase", new XAttribute("classname", "conformance"), new XAttribute("name", result.Id),
                new XAttribute("time", Seconds(result.Duration)));
            switch (result.Outcome)
            {
                case CheckOutcome.Fail:
                    testCase.Add(new XElement("failure", new XAttribute("message", result.Reason), $"hint: {result.Hint}"));
                    break;
                case CheckOutcome.Skip:
                    testCase.Add(new XElement("skipped", new XAttribute("message", result.Reason)));
                    break;
                case CheckOutcome.Warn:
                    testCase.Add(new XElement("system-out", $"warning: {result.Reason}; hint: {result.Hint}"));
                    break;
            }

            suite.Add(testCase);
        }

        return new XDocument(new XElement("testsuites", suite)).ToString();
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
