using TorchSharp;
var x = torch.randn(2, 3, 8, 8);
var w = torch.randn(4, 3, 3, 3);
Console.WriteLine(torch.nn.functional.conv2d(x, w).shape.Length);
