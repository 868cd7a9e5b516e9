using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Sets VER_FLG_WEAK on one Vernaux entry (by version name) of every ELF64 little-endian file of
// the given name below a folder. Files that are not ELF64 LE, or lack the entry, are left alone.
public class MarkElfVersionWeak : Task
{
    [Required] public string Directory { get; set; }
    [Required] public string FileName { get; set; }
    [Required] public string VersionName { get; set; }

    const ushort VerFlgWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, FileName, SearchOption.AllDirectories))
        {
            try
            {
                var result = Patch(path, VersionName);
                if (result != null) Log.LogMessage(MessageImportance.High, "MarkElfVersionWeak: " + path + ": " + result);
            }
            catch (Exception e)
            {
                Log.LogWarning("MarkElfVersionWeak: could not patch " + path + ": " + e.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    // Returns a message when the file was changed, null when nothing needed doing.
    static string Patch(string path, string versionName)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F') return null;
        if (elf[4] != 2 || elf[5] != 1) return null; // ELF64, little-endian only
        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        ushort shentsize = BitConverter.ToUInt16(elf, 0x3A);
        ushort shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int secOffset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            uint link = BitConverter.ToUInt32(elf, sh + 0x28);
            int strSh = checked((int)shoff + (int)link * shentsize);
            int strOffset = checked((int)BitConverter.ToUInt64(elf, strSh + 0x18));
            int vn = secOffset;
            while (true)
            {
                ushort cnt = BitConverter.ToUInt16(elf, vn + 2);
                uint aux = BitConverter.ToUInt32(elf, vn + 8);
                uint next = BitConverter.ToUInt32(elf, vn + 12);
                int va = vn + (int)aux;
                for (int k = 0; k < cnt; k++)
                {
                    ushort flags = BitConverter.ToUInt16(elf, va + 4);
                    uint name = BitConverter.ToUInt32(elf, va + 8);
                    uint vnaNext = BitConverter.ToUInt32(elf, va + 12);
                    if (ReadCString(elf, strOffset + (int)name) == versionName)
                    {
                        if ((flags & VerFlgWeak) != 0) return null;
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, va + 4);
                        string tmp = path + ".weak.tmp";
                        File.WriteAllBytes(tmp, elf);
                        File.Copy(tmp, path, true); File.Delete(tmp);
                        return "marked " + versionName + " weak";
                    }
                    if (vnaNext == 0) break;
                    va += (int)vnaNext;
                }
                if (next == 0) break;
                vn += (int)next;
            }
        }
        return null;
    }

    static string ReadCString(byte[] data, int offset)
    {
        int end = offset;
        while (end < data.Length && data[end] != 0) end++;
        return Encoding.ASCII.GetString(data, offset, end - offset);
    }
}
