using System.Text.Json;
using System.Text.Json.Nodes;
using Myopia.IO;
using Myopia.Training;

namespace Myopia.Experiments;

/// <summary>Sets training options by their JSON names, so a sweep can vary any of them.</summary>
public static class SweepOverrides
{
    public static TrainOptions Apply(TrainOptions options, IEnumerable<(string Name, JsonElement Value)> overrides)
    {
        var node = JsonNode.Parse(JsonOutput.Serialize(options))!.AsObject();
        foreach (var (name, value) in overrides)
        {
            var key = JsonNamingPolicy.SnakeCaseLower.ConvertName(name.Replace("-", "_"));
            if (!node.ContainsKey(key))
                throw new MyopiaException($"a sweep axis names '{name}', which is not a training option ({string.Join(", ", node.Select(p => p.Key))})");
            node[key] = JsonNode.Parse(value.GetRawText());
        }
        try
        {
            return JsonOutput.Deserialize<TrainOptions>(node.ToJsonString());
        }
        catch (JsonException e)
        {
            throw new MyopiaException($"a sweep axis has a value of the wrong type: {e.Message}");
        }
    }
}
