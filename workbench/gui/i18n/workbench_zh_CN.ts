<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BranchesPanel</name>
    <message>
        <location filename="../branches_panel.py" line="78"/>
        <source>Right-click a token in the output to branch from another choice. Click a branch to show it.</source>
        <translation>在输出中右键单击一个词元，可从另一个选择分支。单击一个分支即可显示它。</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="80"/>
        <source>Branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="80"/>
        <source>At token</source>
        <translation>分叉位置</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="80"/>
        <source>Chosen</source>
        <translation>所选词元</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="80"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="80"/>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="80"/>
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="80"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="82"/>
        <source>Compare:</source>
        <translation>比较：</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="87"/>
        <source>main</source>
        <translation>主线</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="88"/>
        <source>branch {0}</source>
        <translation>分支 {0}</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="88"/>
        <source>draw {0}</source>
        <translation>重抽 {0}</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="95"/>
        <source>branch {0} from {1} at token {2}: {3}</source>
        <translation>分支 {0}：从 {1} 的第 {2} 个词元分出：{3}</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="175"/>
        <source>{0} is made of {1} tokens (▸ the one chosen): {2}</source>
        <translation>{0} 由 {1} 个词元组成（▸ 为所选的那个）：{2}</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="205"/>
        <source>{0} tokens · perplexity {1} · mean logprob {2} · {3}</source>
        <translation>{0} 个词元 · 困惑度 {1} · 平均对数概率 {2} · {3}</translation>
    </message>
</context>
<context>
    <name>ChatEditor</name>
    <message>
        <location filename="../editors.py" line="150"/>
        <source>System prompt (optional)</source>
        <translation>系统提示词（可选）</translation>
    </message>
    <message>
        <location filename="../editors.py" line="151"/>
        <source>How the assistant should behave, e.g. “Answer in one sentence.”</source>
        <translation>助手应如何表现，例如“用一句话回答。”</translation>
    </message>
    <message>
        <location filename="../editors.py" line="152"/>
        <source>Add message</source>
        <translation>添加消息</translation>
    </message>
    <message>
        <location filename="../editors.py" line="153"/>
        <source>Add an empty message to build a conversation by hand</source>
        <translation>添加一条空消息，手动搭建对话</translation>
    </message>
    <message>
        <location filename="../editors.py" line="154"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../editors.py" line="155"/>
        <source>Add this message to the chat and run it (Enter)</source>
        <translation>把这条消息加入对话并运行（Enter）</translation>
    </message>
    <message>
        <location filename="../editors.py" line="156"/>
        <source>Next message · Enter sends, Shift+Enter starts a new line</source>
        <translation>下一条消息 · Enter 发送，Shift+Enter 换行</translation>
    </message>
    <message>
        <location filename="../editors.py" line="159"/>
        <source>Remove this message</source>
        <translation>删除这条消息</translation>
    </message>
    <message>
        <location filename="../editors.py" line="160"/>
        <source>Message text</source>
        <translation>消息内容</translation>
    </message>
</context>
<context>
    <name>ChatFormatPicker</name>
    <message>
        <location filename="../chat_format_picker.py" line="136"/>
        <source>Use this template</source>
        <translation>使用此模板</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="137"/>
        <source>A Jinja chat template: messages, add_generation_prompt, bos_token, eos_token</source>
        <translation>Jinja 对话模板：可用 messages、add_generation_prompt、bos_token、eos_token</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="138"/>
        <source>How chat messages are written for this model; it applies at once, no reload needed</source>
        <translation>此模型的对话消息如何书写；立即生效，无需重新加载</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="142"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="148"/>
        <source>The model&apos;s own template</source>
        <translation>模型自带的模板</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="150"/>
        <source>Custom Jinja template…</source>
        <translation>自定义 Jinja 模板…</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="226"/>
        <source>This template is not used: {0} The chat format stays {1}.</source>
        <translation>未使用此模板：{0} 对话格式仍为 {1}。</translation>
    </message>
</context>
<context>
    <name>ClassificationView</name>
    <message>
        <location filename="../experiment_results.py" line="650"/>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="650"/>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="650"/>
        <source>Mean p(correct)</source>
        <translation>正确标签平均概率</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="650"/>
        <source>ECE</source>
        <translation>ECE</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="650"/>
        <source>Cases</source>
        <translation>用例数</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="663"/>
        <source>Labels of more than one token are scored as the sum of their tokens&apos; log-probabilities.</source>
        <translation>由多个词元组成的标签，按各词元对数概率之和计分。</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="665"/>
        <source>Such labels: {0}.</source>
        <translation>这样的标签：{0}。</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="667"/>
        <source>Classification</source>
        <translation>分类结果</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <location filename="../compare_view.py" line="83"/>
        <source>Compare runs</source>
        <translation>比较运行</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="101"/>
        <source>run {0} → run {1}</source>
        <translation>运行 {0} → 运行 {1}</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="114"/>
        <source>The runs drew the same tokens as far as the shorter one goes.</source>
        <translation>在较短的那次运行结束之前，两次运行抽到的词元完全相同。</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="117"/>
        <source>They part at token {0}: run {1} drew {2} ({3}; run {4} gave it {5}), run {4} drew {6} ({7}; run {1} gave it {8}).</source>
        <translation>两者在第 {0} 个词元分开：运行 {1} 抽到 {2}（{3}；运行 {4} 给它 {5}），运行 {4} 抽到 {6}（{7}；运行 {1} 给它 {8}）。</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="126"/>
        <source>Shared token</source>
        <translation>共同词元</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="126"/>
        <source>Change (nats)</source>
        <translation>变化（奈特）</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="134"/>
        <source>Token {0} of the {1} tokens that make {2}; its bytes: {3}</source>
        <translation>组成 {2} 的 {1} 个词元中的第 {0} 个；字节：{3}</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="148"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="149"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="150"/>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="152"/>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="153"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="154"/>
        <source>Mean logprob</source>
        <translation>平均对数概率</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="155"/>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="156"/>
        <source>Same tokens as run {0}</source>
        <translation>与运行 {0} 相同的词元</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="160"/>
        <source>tok/s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="161"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="126"/>
        <location filename="../compare_view.py" line="169"/>
        <source>run {0}</source>
        <translation>运行 {0}</translation>
    </message>
</context>
<context>
    <name>DistributionChart</name>
    <message>
        <location filename="../next_token_panel.py" line="61"/>
        <source>Press “Next token” to see the distribution.</source>
        <translation>按“下一个词元”查看概率分布。</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="77"/>
        <source>cut by {0}</source>
        <translation>被 {0} 剔除</translation>
    </message>
</context>
<context>
    <name>EndpointsDialog</name>
    <message>
        <location filename="../endpoints_dialog.py" line="164"/>
        <source>Endpoints</source>
        <translation>端点</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="165"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="166"/>
        <source>Remove…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="167"/>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="169"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="169"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="169"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="169"/>
        <source>Connect timeout</source>
        <translation>连接超时</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="170"/>
        <source>Idle timeout</source>
        <translation>空闲超时</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="170"/>
        <source>CA file</source>
        <translation>CA 证书文件</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="173"/>
        <source>letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;</source>
        <translation>字母、数字、&apos;.&apos;、&apos;_&apos; 或 &apos;-&apos;</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="174"/>
        <source>http://host:8080 (with or without /v1)</source>
        <translation>http://host:8080（带不带 /v1 都可以）</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="175"/>
        <source>The longest wait between two pieces of a streamed reply</source>
        <translation>流式回复中两段之间最长的等待时间</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="176"/>
        <source>(the system&apos;s certificates)</source>
        <translation>（系统证书）</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="177"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="178"/>
        <source>Forget the stored key</source>
        <translation>删除已保存的密钥</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="179"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="180"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="185"/>
        <source>Plain HTTP to another machine: prompts and outputs travel unencrypted. Use https:// if the server has it.</source>
        <translation>以明文 HTTP 连接另一台机器：提示和输出都不加密传输。如果服务器支持，请使用 https://。</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="258"/>
        <source>A key is stored in the system keyring. Leave the field blank to keep it.</source>
        <translation>密钥保存在系统密钥环中。留空即保留原密钥。</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="259"/>
        <source>A key is stored in a file only you can read. Leave the field blank to keep it.</source>
        <translation>密钥保存在只有你能读取的文件中。留空即保留原密钥。</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="260"/>
        <source>No key is stored. Servers that need none work without one.</source>
        <translation>未保存密钥。不需要密钥的服务器无需设置。</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="262"/>
        <source>(unchanged)</source>
        <translation>（不变）</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="262"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="279"/>
        <source>Give the server&apos;s address, e.g. http://localhost:8080.</source>
        <translation>请填写服务器地址，例如 http://localhost:8080。</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="282"/>
        <source>The CA file {0} does not exist.</source>
        <translation>CA 证书文件 {0} 不存在。</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="299"/>
        <source>There is an endpoint named {0} already: choose it in the list to edit it.</source>
        <translation>已有名为 {0} 的端点：请在列表中选中它进行编辑。</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="319"/>
        <source>Remove endpoint</source>
        <translation>删除端点</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="319"/>
        <source>Remove the endpoint {0} and its stored key?</source>
        <translation>删除端点 {0} 及其保存的密钥？</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="332"/>
        <source>The CA certificate to trust for this server</source>
        <translation>为此服务器信任的 CA 证书</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="333"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="349"/>
        <source>Asking {0}…</source>
        <translation>正在询问 {0}…</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="371"/>
        <source>Not reachable: {0}</source>
        <translation>无法连接：{0}</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="371"/>
        <source>no answer</source>
        <translation>无应答</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="372"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="372"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="373"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="375"/>
        <source>and {0} more</source>
        <translation>另有 {0} 个</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="377"/>
        <source>Reachable: {0}</source>
        <translation>可连接：{0}</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="378"/>
        <source>Models: {0}</source>
        <translation>模型：{0}</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="379"/>
        <source>Server: {0}</source>
        <translation>服务器：{0}</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="380"/>
        <source>Per-token logprobs: {0}</source>
        <translation>逐词元对数概率：{0}</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="381"/>
        <source>Top logprobs: up to {0}</source>
        <translation>候选对数概率：最多 {0} 个</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="381"/>
        <source>Top logprobs: none</source>
        <translation>候选对数概率：无</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="382"/>
        <source>Prompt logprobs: {0}</source>
        <translation>提示对数概率：{0}</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="383"/>
        <source>Tokenize: {0}</source>
        <translation>分词：{0}</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="383"/>
        <source>yes ({0})</source>
        <translation>是（{0}）</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="386"/>
        <source>Context: {0} tokens</source>
        <translation>上下文：{0} 个词元</translation>
    </message>
    <message>
        <location filename="../endpoints_dialog.py" line="388"/>
        <source>Note: {0}</source>
        <translation>注意：{0}</translation>
    </message>
</context>
<context>
    <name>ErrorTexts</name>
    <message>
        <location filename="../error_text.py" line="37"/>
        <source>Model file not found: {path}</source>
        <translation>找不到模型文件：{path}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="38"/>
        <source>{path} is a folder, not a model file. Choose a .gguf file inside it.</source>
        <translation>{path} 是文件夹，不是模型文件。请选择其中的 .gguf 文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="39"/>
        <source>{path} is not a GGUF model: it is only {size} bytes long.</source>
        <translation>{path} 不是 GGUF 模型：它只有 {size} 字节。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="40"/>
        <source>Cannot read {path}: permission denied.</source>
        <translation>无法读取 {path}：没有权限。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="41"/>
        <source>Cannot read {path}: {reason}.</source>
        <translation>无法读取 {path}：{reason}。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="42"/>
        <source>{path} is not a GGUF model (it does not start with &apos;GGUF&apos;). The workbench runs llama.cpp models in GGUF format; convert others with llama.cpp&apos;s convert_hf_to_gguf.py.</source>
        <translation>{path} 不是 GGUF 模型（文件开头不是“GGUF”）。工作台运行 GGUF 格式的 llama.cpp 模型；其他格式请用 llama.cpp 的 convert_hf_to_gguf.py 转换。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="43"/>
        <source>{path} is a big-endian GGUF file; this machine needs a little-endian one.</source>
        <translation>{path} 是大端序的 GGUF 文件；本机需要小端序文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="44"/>
        <source>{path} is GGUF version {version}; supported versions are {supported}. Re-convert it with a current llama.cpp.</source>
        <translation>{path} 的 GGUF 版本为 {version}；支持的版本为 {supported}。请用新版 llama.cpp 重新转换。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="45"/>
        <source>{path} is truncated: the header ends at byte {size} but needs more. The download or copy was probably interrupted; get the file again.</source>
        <translation>{path} 不完整：文件头在第 {size} 字节处结束，但还需要更多数据。下载或复制可能中断了，请重新获取该文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="46"/>
        <source>{path} is truncated or corrupt: a field claims {n} bytes but only {remaining} remain.</source>
        <translation>{path} 不完整或已损坏：某个字段声明有 {n} 字节，但只剩 {remaining} 字节。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="47"/>
        <source>{path} is corrupt: tensor &apos;{tensor}&apos; is not aligned to {alignment} bytes.</source>
        <translation>{path} 已损坏：张量“{tensor}”没有按 {alignment} 字节对齐。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="48"/>
        <source>{path} is truncated: tensor &apos;{tensor}&apos; needs bytes up to {end} but the file has {size}. The download or copy was probably interrupted; get the file again.</source>
        <translation>{path} 不完整：张量“{tensor}”需要读到第 {end} 字节，但文件只有 {size} 字节。下载或复制可能中断了，请重新获取该文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="49"/>
        <source>{path} is not a valid GGUF model: a string claims {n} bytes (limit {limit}) (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：某个字符串声明有 {n} 字节（上限 {limit}）（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="50"/>
        <source>{path} is not a valid GGUF model: arrays nested deeper than {limit} (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：数组嵌套超过 {limit} 层（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="51"/>
        <source>{path} is not a valid GGUF model: unknown array element type {type} (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：未知的数组元素类型 {type}（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="52"/>
        <source>{path} is not a valid GGUF model: an array claims {n} elements (limit {limit}) (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：某个数组声明有 {n} 个元素（上限 {limit}）（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="53"/>
        <source>{path} is not a valid GGUF model: an array of {n} elements runs past the end of the file (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：一个 {n} 个元素的数组超出了文件末尾（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="54"/>
        <source>{path} is not a valid GGUF model: an array of {n} strings runs past the end of the file (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：一个 {n} 个字符串的数组超出了文件末尾（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="55"/>
        <source>{path} is not a valid GGUF model: unknown metadata value type {type} (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：未知的元数据值类型 {type}（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="56"/>
        <source>{path} is not a valid GGUF model: it claims {n} metadata entries (limit {limit}) (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：它声明有 {n} 个元数据条目（上限 {limit}）（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="57"/>
        <source>{path} is not a valid GGUF model: it claims {n} tensors (limit {limit}) (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：它声明有 {n} 个张量（上限 {limit}）（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="58"/>
        <source>{path} is not a valid GGUF model: it claims {n_kv} metadata entries and {n_tensors} tensors, more than fit in {size} bytes (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：它声明有 {n_kv} 个元数据条目和 {n_tensors} 个张量，{size} 字节装不下（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="59"/>
        <source>{path} is not a valid GGUF model: tensor &apos;{tensor}&apos; has {n} dimensions (1 to {limit} allowed) (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：张量“{tensor}”有 {n} 个维度（允许 1 到 {limit} 个）（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="60"/>
        <source>{path} is not a valid GGUF model: tensor &apos;{tensor}&apos; has an implausible shape {shape} (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：张量“{tensor}”的形状 {shape} 不合理（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="61"/>
        <source>{path} is not a valid GGUF model: tensor &apos;{tensor}&apos; has the unknown ggml type {type} (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：张量“{tensor}”的 ggml 类型 {type} 未知（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="62"/>
        <source>{path} is not a valid GGUF model: tensor &apos;{tensor}&apos; has rows of {n} values, not a multiple of the {block} values of a {type} block (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：张量“{tensor}”每行 {n} 个值，不是 {type} 块大小 {block} 的整数倍（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="63"/>
        <source>{path} is not a valid GGUF model: general.alignment is {alignment}, not a power of two (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：general.alignment 为 {alignment}，不是 2 的幂（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="64"/>
        <source>{path} is not a valid GGUF model: the metadata key &apos;{name}&apos; appears twice (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：元数据键 &apos;{name}&apos; 出现了两次（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="65"/>
        <source>{path} is not a valid GGUF model: {name} is {value}, where llama.cpp needs {expected} (at byte {at}).</source>
        <translation>{path} 不是有效的 GGUF 模型：{name} 为 {value}，而 llama.cpp 需要 {expected}（位于第 {at} 字节）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="66"/>
        <source>The bundled model is not installed: reinstall the workbench (`make run` in its source folder), or open a .gguf file in Models….</source>
        <translation>未安装内置模型：请重新安装工作台（在其源代码文件夹中运行 `make run`），或在“模型…”中打开一个 .gguf 文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="67"/>
        <source>Model folder {folder} no longer exists (or is not a folder).</source>
        <translation>模型文件夹 {folder} 已不存在（或不是文件夹）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="68"/>
        <source>Cannot read model folder {folder}: {reason}.</source>
        <translation>无法读取模型文件夹 {folder}：{reason}。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="70"/>
        <source>The context must be at least {min} tokens (llama.cpp&apos;s smallest context), not {n_ctx}: raise it in Models… → Context.</source>
        <translation>上下文至少需要 {min} 个词元（llama.cpp 的最小上下文），而不是 {n_ctx}：请在“模型… → 上下文”中调大。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="71"/>
        <source>CPU threads must be 1 or more, not {n}: set them in Models… → CPU threads.</source>
        <translation>CPU 线程数至少为 1，而不是 {n}：请在“模型… → CPU 线程数”中设置。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="72"/>
        <source>llama.cpp could not load {path}: {reason} If the file is a newer architecture, update llama-cpp-python; if memory ran out, use fewer GPU layers or a smaller model.</source>
        <translation>llama.cpp 无法加载 {path}：{reason} 如果该文件是较新的架构，请更新 llama-cpp-python；如果内存不足，请减少 GPU 层数或换用更小的模型。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="73"/>
        <source>llama.cpp could not load {path} and gave no reason. If the file is a newer architecture, update llama-cpp-python; if memory ran out, use fewer GPU layers or a smaller model.</source>
        <translation>llama.cpp 无法加载 {path}，且未给出原因。如果该文件是较新的架构，请更新 llama-cpp-python；如果内存不足，请减少 GPU 层数或换用更小的模型。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="74"/>
        <source>llama.cpp crashed loading {path} ({output}): the file passed the workbench&apos;s checks, but llama.cpp cannot use it. Get the file again or convert it with a current llama.cpp; load another model meanwhile.</source>
        <translation>llama.cpp 在加载 {path} 时崩溃（{output}）：该文件通过了工作台的检查，但 llama.cpp 无法使用它。请重新获取该文件，或用新版 llama.cpp 转换；在此期间可加载其他模型。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="75"/>
        <source>llama.cpp loaded the model but could not create a context of {n_ctx} tokens ({reason}). Try a smaller context (Models… → Context) or fewer GPU layers (Models… → GPU offload).</source>
        <translation>llama.cpp 已加载模型，但无法创建 {n_ctx} 个词元的上下文（{reason}）。请尝试减小上下文（模型… → 上下文）或减少 GPU 层数（模型… → GPU 卸载）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="76"/>
        <source>llama.cpp loaded the model but could not create a context of {n_ctx} tokens. Try a smaller context (Models… → Context) or fewer GPU layers (Models… → GPU offload).</source>
        <translation>llama.cpp 已加载模型，但无法创建 {n_ctx} 个词元的上下文。请尝试减小上下文（模型… → 上下文）或减少 GPU 层数（模型… → GPU 卸载）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="78"/>
        <source>The prompt is empty.</source>
        <translation>提示词为空。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="79"/>
        <source>The prompt is empty (and this model has no start token). Type a prompt.</source>
        <translation>提示词为空（且该模型没有起始词元）。请输入提示词。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="80"/>
        <source>The prompt is {n} tokens but the context holds {n_ctx} (and needs room for at least one new token). Shorten the prompt or load the model with a larger context (Models… → Context).</source>
        <translation>提示词有 {n} 个词元，但上下文只能容纳 {n_ctx} 个（还需至少为一个新词元留出空间）。请缩短提示词，或以更大的上下文加载模型（模型… → 上下文）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="81"/>
        <source>The context of {n_ctx} tokens is full. For a longer output, load the model with a larger context (Models… → Context).</source>
        <translation>{n_ctx} 个词元的上下文已满。若需更长的输出，请以更大的上下文加载模型（模型… → 上下文）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="82"/>
        <source>Token ids {ids} are outside this model&apos;s vocabulary (0..{last}).</source>
        <translation>词元 ID {ids} 超出了该模型的词表范围（0..{last}）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="83"/>
        <source>No next-token distribution yet: press Next token first.</source>
        <translation>还没有下一个词元的分布：请先点击“下一个词元”。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="84"/>
        <source>The text is empty.</source>
        <translation>文本为空。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="85"/>
        <source>The label {text!r} makes no tokens under this model&apos;s tokenizer: give it some text.</source>
        <translation>标签 {text!r} 在此模型的分词器下不产生任何词元：请给它一些文字。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="86"/>
        <source>A chat needs at least one message.</source>
        <translation>对话至少需要一条消息。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="87"/>
        <source>Cannot read the messages file {path}: {reason}.</source>
        <translation>无法读取消息文件 {path}：{reason}。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="88"/>
        <source>The messages file {path} is not valid JSON: {reason}.</source>
        <translation>消息文件 {path} 不是有效的 JSON：{reason}。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="89"/>
        <source>{where} must be a list of messages, each with a role and a content.</source>
        <translation>{where} 必须是消息列表，每条消息都有 role 和 content。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="90"/>
        <source>Message {n} in {where} is not a message with a text role and content: {found}</source>
        <translation>{where} 中的第 {n} 条不是带文本 role 和 content 的消息：{found}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="91"/>
        <source>Message {n} in {where} has the role &apos;{role}&apos;; the roles are {roles}.</source>
        <translation>{where} 中的第 {n} 条消息的角色是“{role}”；可用角色为 {roles}。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="93"/>
        <source>Unknown chat format &apos;{name}&apos;. The built-in formats are: {names}.</source>
        <translation>未知的对话格式“{name}”。内置格式有：{names}。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="94"/>
        <source>Choose a chat format or write a chat template, not both.</source>
        <translation>请选择对话格式或编写对话模板，不要同时使用。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="95"/>
        <source>This model file has no chat template of its own; choose a built-in format in Models… → Chat format.</source>
        <translation>此模型文件没有自带的对话模板；请在“模型…→ 对话格式”中选择内置格式。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="96"/>
        <source>The model file has no chat template; using the {format} format, chosen from its architecture ({architecture}) and vocabulary.</source>
        <translation>模型文件没有对话模板；根据其架构（{architecture}）和词表，使用 {format} 格式。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="97"/>
        <source>The model file has no chat template and nothing in it names a format; using ChatML, a guess. If replies look wrong, choose the model&apos;s format in Models… → Chat format.</source>
        <translation>模型文件没有对话模板，也没有任何信息指明格式；暂用 ChatML（猜测）。如果回复看起来不对，请在“模型…→ 对话格式”中选择该模型的格式。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="98"/>
        <source>The {format} format needs {markers} as special tokens, but this model&apos;s vocabulary lacks them: they will be cut into ordinary pieces.</source>
        <translation>{format} 格式需要 {markers} 作为特殊 token，但此模型的词表中没有：它们会被切成普通片段。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="99"/>
        <source>Cannot read the chat template {path}: {reason}.</source>
        <translation>无法读取对话模板 {path}：{reason}。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="100"/>
        <source>The chat template does not accept a system message ({detail}).</source>
        <translation>此对话模板不接受系统消息（{detail}）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="101"/>
        <source>The chat template renders the same with and without the generation prompt: the model is not told that it is the assistant&apos;s turn, and may continue the user&apos;s message instead.</source>
        <translation>此对话模板在有无生成提示时渲染结果相同：模型不知道轮到助手回答，可能会接着写用户的消息。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="102"/>
        <source>The chat template renders an empty prompt for a chat.</source>
        <translation>此对话模板为对话渲染出了空提示词。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="103"/>
        <source>The chat template ({format}) refused these messages: {detail}. It may not accept a system message: move the system text into the first user message, or choose another chat format in Models… → Chat format ({names}).</source>
        <translation>对话模板（{format}）拒绝了这些消息：{detail}。它可能不接受系统消息：请把系统文本移到第一条用户消息中，或在“模型…→ 对话格式”中选择其他对话格式（{names}）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="105"/>
        <source>No model is loaded. Load one in Models… (Ctrl+O).</source>
        <translation>尚未加载模型。请在“模型…”（Ctrl+O）中加载一个。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="106"/>
        <source>Only the tokenizer of this model is loaded; load the full model to generate.</source>
        <translation>只加载了该模型的分词器；请加载完整模型后再生成。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="107"/>
        <source>Only the tokenizer of this model is loaded; load the full model.</source>
        <translation>只加载了该模型的分词器；请加载完整模型。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="108"/>
        <source>llama.cpp could not tokenize the text (code {code}).</source>
        <translation>llama.cpp 无法对文本分词（代码 {code}）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="109"/>
        <source>llama.cpp failed to evaluate {n} tokens (code {code}). {log}</source>
        <translation>llama.cpp 计算 {n} 个词元失败（代码 {code}）。{log}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="110"/>
        <source>llama.cpp failed to evaluate a token (code {code}).</source>
        <translation>llama.cpp 计算词元失败（代码 {code}）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="111"/>
        <source>llama.cpp failed to evaluate the text (code {code}).</source>
        <translation>llama.cpp 计算文本失败（代码 {code}）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="112"/>
        <source>llama.cpp returned no logits.</source>
        <translation>llama.cpp 没有返回 logits。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="113"/>
        <source>The engine did not start: {detail}</source>
        <translation>引擎未能启动：{detail}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="114"/>
        <source>The engine speaks protocol {theirs}, this app {ours}. Reinstall the workbench.</source>
        <translation>引擎使用协议 {theirs}，本应用使用 {ours}。请重新安装工作台。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="115"/>
        <source>Unknown engine request {request}.</source>
        <translation>未知的引擎请求 {request}。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="116"/>
        <source>Engine error: {detail}</source>
        <translation>引擎错误：{detail}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="117"/>
        <source>The engine process was killed by {signal} (llama.cpp crashed or ran out of memory). Your work is kept; the next request starts a fresh engine.</source>
        <translation>引擎进程被 {signal} 终止（llama.cpp 崩溃或内存不足）。你的工作已保留；下一次请求会启动新的引擎。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="118"/>
        <source>The engine process was killed by {signal} (llama.cpp crashed or ran out of memory). Last output: {output} Your work is kept; the next request starts a fresh engine.</source>
        <translation>引擎进程被 {signal} 终止（llama.cpp 崩溃或内存不足）。最后的输出：{output} 你的工作已保留；下一次请求会启动新的引擎。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="119"/>
        <source>The engine process exited with code {code} (llama.cpp crashed or ran out of memory). Your work is kept; the next request starts a fresh engine.</source>
        <translation>引擎进程以代码 {code} 退出（llama.cpp 崩溃或内存不足）。你的工作已保留；下一次请求会启动新的引擎。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="120"/>
        <source>The engine process exited with code {code} (llama.cpp crashed or ran out of memory). Last output: {output} Your work is kept; the next request starts a fresh engine.</source>
        <translation>引擎进程以代码 {code} 退出（llama.cpp 崩溃或内存不足）。最后的输出：{output} 你的工作已保留；下一次请求会启动新的引擎。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="122"/>
        <source>The template refused the input: {detail}</source>
        <translation>模板拒绝了输入：{detail}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="123"/>
        <source>The {what} has a syntax error on line {line}: {detail}</source>
        <translation>{what}第 {line} 行有语法错误：{detail}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="124"/>
        <source>The {what} produced more than {limit:,} characters; rendering was stopped.</source>
        <translation>{what}生成了超过 {limit:,} 个字符，已停止渲染。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="125"/>
        <source>The {what} took longer than {seconds:g} s to render; rendering was stopped.</source>
        <translation>{what}渲染超过 {seconds:g} 秒，已停止渲染。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="126"/>
        <source>The {what} tried something the sandbox forbids: {detail}</source>
        <translation>{what}尝试了沙箱禁止的操作：{detail}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="127"/>
        <source>The {what} uses a variable that was not given: {detail}</source>
        <translation>{what}使用了未提供的变量：{detail}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="128"/>
        <source>The {what} failed: {detail}</source>
        <translation>{what}出错：{detail}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="129"/>
        <source>The {what} failed while rendering: {detail}</source>
        <translation>{what}在渲染时出错：{detail}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="131"/>
        <source>A preset needs a name.</source>
        <translation>预设需要一个名称。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="132"/>
        <source>&apos;{name}&apos; is a built-in preset; choose another name.</source>
        <translation>“{name}”是内置预设；请另选一个名称。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="133"/>
        <source>&apos;{name}&apos; is a built-in preset and cannot be deleted.</source>
        <translation>“{name}”是内置预设，不能删除。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="135"/>
        <source>Cannot keep data in {path} ({reason}); using {fallback} for now, which the system may empty. Set WORKBENCH_HOME to a writable folder to keep your history.</source>
        <translation>无法在 {path} 中保存数据（{reason}）；暂时改用 {fallback}，系统可能会清空它。请将 WORKBENCH_HOME 设为可写的文件夹以保留历史记录。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="136"/>
        <source>Cannot keep data in {path} ({reason}), nor in {fallback} ({fallback_reason}). Set WORKBENCH_HOME to a writable folder.</source>
        <translation>无法在 {path} 中保存数据（{reason}），也无法在 {fallback} 中保存（{fallback_reason}）。请将 WORKBENCH_HOME 设为可写的文件夹。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="138"/>
        <source>The disk holding {path} is full (or failing): free some space. Nothing saved before was lost.</source>
        <translation>存放 {path} 的磁盘已满（或出现故障）：请释放一些空间。之前保存的内容没有丢失。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="139"/>
        <source>{path} is in a read-only folder ({folder}): the history can be browsed, but nothing new can be saved, as SQLite must create files beside it. Make the folder writable, or choose another file in File → History database….</source>
        <translation>{path} 位于只读文件夹（{folder}）中：可以浏览历史记录，但无法保存新内容，因为 SQLite 需要在它旁边创建文件。请将该文件夹设为可写，或在“文件 → 历史数据库…”中选择其他文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="140"/>
        <source>{path} is read-only: the history can be browsed, but nothing new (runs, templates, experiments) can be saved in it. Make it writable, or choose another file in File → History database….</source>
        <translation>{path} 是只读的：可以浏览历史，但无法在其中保存任何新内容（运行、模板、实验）。请将其改为可写，或在 文件 → 历史数据库… 中选择另一个文件。</translation>
    </message>
    <message>
        <source>{path} is read-only: the history can be browsed but new runs are not saved. Make it writable, or choose another file in File → History database….</source>
        <translation type="vanished">{path} 是只读的：可以浏览历史记录，但新的运行不会被保存。请使其可写，或在“文件 → 历史数据库…”中选择另一个文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="141"/>
        <source>{path} stayed locked by another program for {seconds} s; try again.</source>
        <translation>{path} 被其他程序锁定了 {seconds} 秒；请重试。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="142"/>
        <source>{path} is not a workbench database, or it is damaged. Move it aside, or choose another file in File → History database….</source>
        <translation>{path} 不是工作台数据库，或已损坏。请将其移走，或在“文件 → 历史数据库…”中选择另一个文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="143"/>
        <source>{path} cannot be opened: check that its folder exists and is writable, or choose another file in File → History database….</source>
        <translation>无法打开 {path}：请检查其所在文件夹是否存在且可写，或在“文件 → 历史数据库…”中选择另一个文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="144"/>
        <source>The database {path} failed: {detail}</source>
        <translation>数据库 {path} 出错：{detail}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="145"/>
        <source>There is no database at {path} to open read-only.</source>
        <translation>{path} 处没有可以只读打开的数据库。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="146"/>
        <source>Cannot create the folder for the database {path}: {reason}.</source>
        <translation>无法为数据库 {path} 创建文件夹：{reason}。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="147"/>
        <source>{path} is not a workbench history: it holds another application&apos;s tables ({tables}). Nothing was written to it. Choose a file of its own in File → History database….</source>
        <translation>{path} 不是工作台的历史数据库：其中是其他应用的数据表（{tables}）。没有向其中写入任何内容。请在 文件 → 历史数据库… 中选择一个单独的文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="148"/>
        <source>{path} was written by a newer Prompt Workbench (schema {schema}; this version knows up to {head}). Update the app, or choose another file in File → History database….</source>
        <translation>{path} 由更新版本的 Prompt Workbench 写入（架构 {schema}；此版本最多支持到 {head}）。请更新应用，或在“文件 → 历史数据库…”中选择另一个文件。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="149"/>
        <source>{path} is read-only and needs upgrading to this version&apos;s schema; make it writable.</source>
        <translation>{path} 是只读的，且需要升级到此版本的架构；请使其可写。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="150"/>
        <source>These tokens were saved in format {version}, which this version cannot read.</source>
        <translation>这些词元以格式 {version} 保存，此版本无法读取。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="151"/>
        <source>The saved tokens of this run are damaged ({detail}).</source>
        <translation>此次运行保存的词元已损坏（{detail}）。</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="157"/>
        <source>template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="159"/>
        <source>model&apos;s chat template</source>
        <translation>模型的对话模板</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="161"/>
        <source>custom chat template</source>
        <translation>自定义对话模板</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="163"/>
        <source>chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="169"/>
        <source>template {0}</source>
        <translation>模板 {0}</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="171"/>
        <source>built-in {0} chat format</source>
        <translation>内置 {0} 对话格式</translation>
    </message>
    <message>
        <location filename="../error_text.py" line="172"/>
        <source>system prompt of {0}</source>
        <translation>{0} 的系统提示词</translation>
    </message>
</context>
<context>
    <name>ExactPromptDialog</name>
    <message>
        <location filename="../dialogs.py" line="39"/>
        <source>Exact prompt</source>
        <translation>实际提示词</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="45"/>
        <source>{0} tokens</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="45"/>
        <source>token count unavailable</source>
        <translation>无法统计词元数</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="45"/>
        <source>{0} token</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="46"/>
        <source>{0} characters · {1}. Special tokens are shown in red.</source>
        <translation>{0} 个字符 · {1}。特殊词元以红色显示。</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="62"/>
        <source>Completion: no chat format applies, the text is sent as typed.</source>
        <translation>续写模式：不套用对话格式，文本按原样发送。</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="63"/>
        <source>Written in the chat format: {0}.</source>
        <translation>使用的对话格式：{0}。</translation>
    </message>
</context>
<context>
    <name>ExperimentEditor</name>
    <message>
        <location filename="../experiment_editor.py" line="352"/>
        <source>Form</source>
        <translation>表单</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="353"/>
        <source>YAML</source>
        <translation>YAML</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="354"/>
        <source>Editing here rewrites the YAML without its comments.</source>
        <translation>在这里编辑会重写 YAML，其中的注释将丢失。</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="356"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="356"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="356"/>
        <source>Prompts</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="357"/>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="357"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="357"/>
        <source>Sampler</source>
        <translation>采样</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="358"/>
        <source>Runs</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="358"/>
        <source>Assertions</source>
        <translation>断言</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="358"/>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="359"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="359"/>
        <source>Max tokens</source>
        <translation>最多词元</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="359"/>
        <source>Stop</source>
        <translation>停止串</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="360"/>
        <source>Repeats</source>
        <translation>重复次数</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="360"/>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="360"/>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="361"/>
        <source>Expected column</source>
        <translation>期望答案列</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="364"/>
        <source>the file&apos;s name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="365"/>
        <source>comma-separated; \n is a new line</source>
        <translation>用逗号分隔；\n 表示换行</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="366"/>
        <source>comma-separated</source>
        <translation>用逗号分隔</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="367"/>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="368"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="369"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="370"/>
        <location filename="../experiment_editor.py" line="373"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="372"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="376"/>
        <location filename="../experiment_editor.py" line="418"/>
        <source>Add from library…</source>
        <translation>从模板库添加…</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="379"/>
        <source>1 inline row (edit in YAML)</source>
        <translation>1 行内联数据（在 YAML 中编辑）</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="380"/>
        <source>{0} inline rows (edit in YAML)</source>
        <translation>{0} 行内联数据（在 YAML 中编辑）</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="452"/>
        <source>1 column</source>
        <translation>1 列</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="452"/>
        <source>{0} columns</source>
        <translation>{0} 列</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="454"/>
        <source>rows from {0}</source>
        <translation>来自 {0} 的数据行</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="456"/>
        <source>1 inline row</source>
        <translation>1 行内联数据</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="456"/>
        <source>{0} inline rows</source>
        <translation>{0} 行内联数据</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="457"/>
        <source>Valid: {0} × {1}</source>
        <translation>有效：{0} × {1}</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="462"/>
        <source>Line {0}: {1}</source>
        <translation>第 {0} 行：{1}</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="473"/>
        <source>Go to line {0}</source>
        <translation>转到第 {0} 行</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="579"/>
        <source>Choose the dataset</source>
        <translation>选择数据集</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="580"/>
        <source>Datasets (*.csv *.jsonl *.ndjson)</source>
        <translation>数据集 (*.csv *.jsonl *.ndjson)</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="588"/>
        <source>Choose models</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="589"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
</context>
<context>
    <name>ExperimentPanel</name>
    <message>
        <location filename="../experiment_panel.py" line="134"/>
        <source>Definition</source>
        <translation>定义</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="135"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="136"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="137"/>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="138"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="139"/>
        <source>Suites</source>
        <translation>内置评测集</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="140"/>
        <source>Built-in experiments in Chinese and English, each with its dataset</source>
        <translation>内置的中英文实验，各带数据集</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="141"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="142"/>
        <source>Run every case in the background; each one is saved in the History</source>
        <translation>在后台运行全部用例；每个用例都保存到历史记录</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="143"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="143"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="144"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="145"/>
        <source>Continue</source>
        <translation>接着运行</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="146"/>
        <source>Go on with the chosen experiment where it stopped</source>
        <translation>从所选实验停下的地方接着运行</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="147"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="148"/>
        <source>Runs in History</source>
        <translation>在历史记录中查看</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="149"/>
        <source>Experiments in this history</source>
        <translation>此历史记录中的实验</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="165"/>
        <source>Cannot read {0}: {1}</source>
        <translation>无法读取 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="177"/>
        <source>Open an experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="177"/>
        <source>Experiments (*.yaml *.yml *.json)</source>
        <translation>实验 (*.yaml *.yml *.json)</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="182"/>
        <source>Save the experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="182"/>
        <source>Experiments (*.yaml)</source>
        <translation>实验 (*.yaml)</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="188"/>
        <location filename="../experiment_panel.py" line="359"/>
        <source>Cannot write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="219"/>
        <source>Experiments need the history database: {0}</source>
        <translation>实验需要历史数据库：{0}</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="231"/>
        <source>Checking the definition and the dataset…</source>
        <translation>正在检查定义和数据集…</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="250"/>
        <source>{0} of {1} cases</source>
        <translation>{0} / {1} 个用例</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="252"/>
        <source>{0} from the history</source>
        <translation>{0} 个取自历史记录</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="254"/>
        <source>{0} errors</source>
        <translation>{0} 个错误</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="256"/>
        <source>about {0} left</source>
        <translation>约剩 {0}</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="258"/>
        <location filename="../experiment_panel.py" line="291"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="266"/>
        <source>Finished.</source>
        <translation>已完成。</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="266"/>
        <source>Cancelled: Continue goes on where it stopped.</source>
        <translation>已取消：点“接着运行”从停下处继续。</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="291"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="291"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="292"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="292"/>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="292"/>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="342"/>
        <source>Export the results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <location filename="../experiment_panel.py" line="361"/>
        <source>Exported to {0}</source>
        <translation>已导出到 {0}</translation>
    </message>
</context>
<context>
    <name>ExperimentResults</name>
    <message>
        <location filename="../experiment_results.py" line="728"/>
        <source>No experiment shown.</source>
        <translation>未显示实验。</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="730"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="730"/>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="730"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="731"/>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="731"/>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="731"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="733"/>
        <source>{0} · {1} · {2} of {3} cases</source>
        <translation>{0} · {1} · {2} / {3} 个用例</translation>
    </message>
</context>
<context>
    <name>FormatTexts</name>
    <message>
        <location filename="../chat_format_picker.py" line="70"/>
        <source>the server&apos;s own template</source>
        <translation>服务器自带的模板</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="71"/>
        <source>the model&apos;s own template</source>
        <translation>模型自带的模板</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="71"/>
        <source>custom template</source>
        <translation>自定义模板</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="77"/>
        <source>Automatic (the model&apos;s own template)</source>
        <translation>自动（模型自带的模板）</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="79"/>
        <source>Automatic (the server&apos;s own template)</source>
        <translation>自动（服务器自带的模板）</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="81"/>
        <source>Automatic ({0}, a guess)</source>
        <translation>自动（{0}，猜测）</translation>
    </message>
    <message>
        <location filename="../chat_format_picker.py" line="82"/>
        <source>Automatic ({0}, chosen from its architecture and vocabulary)</source>
        <translation>自动（{0}，根据架构和词表选择）</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../history_panel.py" line="253"/>
        <source>Search prompts, outputs, notes, templates…</source>
        <translation>搜索提示词、输出、备注、模板…</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="254"/>
        <source>Any status</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="257"/>
        <source>Any variant</source>
        <translation>任意变体</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="258"/>
        <source>Any model</source>
        <translation>任意模型</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="259"/>
        <source>Any rating</source>
        <translation>任意评分</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="260"/>
        <source>Starred</source>
        <translation>已加星标</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="262"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="262"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="262"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="262"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="262"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="263"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="263"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="263"/>
        <source>tok/s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="263"/>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="266"/>
        <source>Star</source>
        <translation>加星标</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="267"/>
        <source>Rating:</source>
        <translation>评分：</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="268"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="269"/>
        <source>Note (saved when you press Enter)</source>
        <translation>备注（按回车保存）</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="270"/>
        <source>Show in output</source>
        <translation>在输出中显示</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="271"/>
        <source>Run again</source>
        <translation>再次运行</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="272"/>
        <source>Compare selected</source>
        <translation>比较所选</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="273"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="300"/>
        <source>Experiment {0} ✕</source>
        <translation>实验 {0} ✕</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="301"/>
        <source>Showing only this experiment&apos;s runs; click to show all runs</source>
        <translation>只显示此实验的运行；点击显示全部运行</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="346"/>
        <source>Opening the history…</source>
        <translation>正在打开历史记录…</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="348"/>
        <source>History unavailable: {0}</source>
        <translation>历史记录不可用：{0}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="353"/>
        <source>{0}+ runs</source>
        <translation>{0}+ 次运行</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="355"/>
        <source>{0} runs</source>
        <translation>{0} 次运行</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="355"/>
        <source>{0} run</source>
        <translation>{0} 次运行</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="389"/>
        <source>unknown model</source>
        <translation>未知模型</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="392"/>
        <source>sampler: {0}</source>
        <translation>采样器：{0}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="393"/>
        <source>{0} prompt token</source>
        <translation>{0} 个提示词元</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="393"/>
        <source>{0} prompt tokens</source>
        <translation>{0} 个提示词元</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="394"/>
        <source>{0} generated at {1} tok/s · seed {2} · {3}</source>
        <translation>生成 {0} 个，{1} 词元/秒 · 种子 {2} · {3}</translation>
    </message>
    <message>
        <source>{0} prompt tokens, {1} generated at {2} tok/s · seed {3} · {4}</source>
        <translation type="vanished">{0} 个提示词元，生成 {1} 个，{2} 词元/秒 · 种子 {3} · {4}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="398"/>
        <source>template {0} · variant {1}</source>
        <translation>模板 {0} · 变体 {1}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="400"/>
        <source>variant {0}</source>
        <translation>变体 {0}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="404"/>
        <source>votes over {0} samples: {1} · no answer in {2}</source>
        <translation>{0} 个样本的投票：{1} · {2} 个没有答案</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="408"/>
        <source>tree of thought: {0} steps explored; best path: {1}</source>
        <translation>思维树：探索了 {0} 个步骤；最佳路径：{1}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="413"/>
        <source>{0} branches</source>
        <translation>{0} 个分支</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="413"/>
        <source>{0} branch</source>
        <translation>{0} 个分支</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="429"/>
        <location filename="../history_panel.py" line="457"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="446"/>
        <source>Delete runs</source>
        <translation>删除运行</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="446"/>
        <source>Delete {0} run(s) from the history? This cannot be undone.</source>
        <translation>从历史记录中删除 {0} 次运行？此操作无法撤销。</translation>
    </message>
</context>
<context>
    <name>HistoryRecorder</name>
    <message>
        <location filename="../history_recorder.py" line="90"/>
        <source>The run was not saved in the history: {0}</source>
        <translation>本次运行未保存到历史记录：{0}</translation>
    </message>
    <message>
        <location filename="../history_recorder.py" line="112"/>
        <source>The branches were not saved in the history: {0}</source>
        <translation>分支未保存到历史记录：{0}</translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message>
        <source>Filter templates by name or tag</source>
        <translation type="vanished">按名称或标签筛选模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="213"/>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="213"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="214"/>
        <source>Variant:</source>
        <translation>变体：</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="215"/>
        <source>Put in editor</source>
        <translation>放入编辑器</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="216"/>
        <source>Render the template with this variant into the prompt editor</source>
        <translation>用此变体渲染模板并放入提示词编辑器</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="217"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="218"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="219"/>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="220"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="221"/>
        <source>Write the next version of this template</source>
        <translation>为此模板写下一个版本</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="222"/>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="223"/>
        <source>Suites</source>
        <translation>内置评测集</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="224"/>
        <source>Run a built-in experiment over its dataset (opens the Experiments panel)</source>
        <translation>在其数据集上运行内置实验（打开“实验”面板）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="225"/>
        <source>Duplicate…</source>
        <translation>复制…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="226"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="227"/>
        <source>Label this version…</source>
        <translation>给此版本加标签…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="228"/>
        <source>Changes from the previous version</source>
        <translation>与上一版本的差异</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="229"/>
        <source>Archive / restore</source>
        <translation>归档 / 恢复</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="230"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="231"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="232"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="233"/>
        <source>Archived</source>
        <translation>已归档</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation type="vanished">答案</translation>
    </message>
    <message>
        <source>Votes</source>
        <translation type="vanished">票数</translation>
    </message>
    <message>
        <source>Share</source>
        <translation type="vanished">占比</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="234"/>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="234"/>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="234"/>
        <source>Kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="268"/>
        <source> · archived</source>
        <translation> · 已归档</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="394"/>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="394"/>
        <source>optional: may be left empty</source>
        <translation>可选：可以留空</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="396"/>
        <source>This template has no variables.</source>
        <translation>此模板没有变量。</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="401"/>
        <source>direct</source>
        <translation>直接</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="402"/>
        <source>zero-shot CoT</source>
        <translation>零样本思维链</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="403"/>
        <source>few-shot CoT</source>
        <translation>少样本思维链</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="404"/>
        <source>self-consistency</source>
        <translation>自洽投票</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="405"/>
        <source>tree-of-thought</source>
        <translation>思维树</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="414"/>
        <source>as written (no variant)</source>
        <translation>按原样（不用变体）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="425"/>
        <source>{0} (defaults)</source>
        <translation>{0}（默认设置）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="442"/>
        <source>Fill in {0}: the template needs a value for it.</source>
        <translation>请填写 {0}：模板需要它的值。</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="508"/>
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="522"/>
        <source> (stopped early)</source>
        <translation>（提前停止）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="526"/>
        <source>no answer found</source>
        <translation>未找到答案</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="527"/>
        <source> (a tie)</source>
        <translation>（平票）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="528"/>
        <source>Majority answer: {0} · {1} of {2} samples agree · no answer in {3}</source>
        <translation>多数答案：{0} · {2} 个样本中 {1} 个一致 · {3} 个没有答案</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="532"/>
        <source>Answer from the best path: {0}</source>
        <translation>最佳路径给出的答案：{0}</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="546"/>
        <source>(the question)</source>
        <translation>（问题）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="553"/>
        <source>P(yes) {0:.1%} · P(no) {1:.1%}</source>
        <translation>P(是) {0:.1%} · P(否) {1:.1%}</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="582"/>
        <location filename="../library_panel.py" line="587"/>
        <location filename="../library_panel.py" line="592"/>
        <source>Import templates</source>
        <translation>导入模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="582"/>
        <source>Templates (*.json *.yaml *.yml)</source>
        <translation>模板 (*.json *.yaml *.yml)</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="514"/>
        <source>Imported {0} template(s).</source>
        <translation>已导入 {0} 个模板。</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="212"/>
        <source>Filter by name, description or tag (English or Chinese)</source>
        <translation>按名称、描述或标签筛选（中文或英文）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="588"/>
        <source>The template {0} in this file uses {1} without declaring it: add it to the template&apos;s variables in the file (- name: {2}).</source>
        <translation>此文件中的模板 {0} 使用了未声明的 {1}：请在文件里该模板的 variables 中加上它（- name: {2}）。</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="598"/>
        <location filename="../library_panel.py" line="603"/>
        <source>Export templates</source>
        <translation>导出模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="598"/>
        <source>YAML (*.yaml);;JSON (*.json)</source>
        <translation>YAML (*.yaml);;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="637"/>
        <location filename="../library_panel.py" line="638"/>
        <source>Duplicate template</source>
        <translation>复制模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="637"/>
        <source>Name of the copy:</source>
        <translation>副本名称：</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="641"/>
        <location filename="../library_panel.py" line="642"/>
        <source>Rename template</source>
        <translation>重命名模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="641"/>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="649"/>
        <location filename="../library_panel.py" line="650"/>
        <source>Label this version</source>
        <translation>给此版本加标签</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="649"/>
        <source>Label for {0} (e.g. production):</source>
        <translation>{0} 的标签（例如 production）：</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="662"/>
        <source>Changes</source>
        <translation>差异</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="666"/>
        <source>{0}: v{1} → v{2} ({3})</source>
        <translation>{0}：v{1} → v{2}（{3}）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="667"/>
        <source>(no difference)</source>
        <translation>（没有差异）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="681"/>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="687"/>
        <location filename="../library_panel.py" line="698"/>
        <source>Delete template</source>
        <translation>删除模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="688"/>
        <source>Delete the template {0} with all its versions? Runs made from it keep their prompts.</source>
        <translation>删除模板 {0} 及其所有版本？用它生成的运行记录会保留各自的提示词。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="243"/>
        <source>Prompt Workbench</source>
        <translation>提示词工作台</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="244"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="246"/>
        <source>Output · green likely, red surprising · hover a token for alternatives, right-click to branch</source>
        <translation>输出 · 绿色为高概率，红色为意外 · 悬停词元查看候选，右键从此处分支</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="249"/>
        <source>Colour by probability</source>
        <translation>按概率着色</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="249"/>
        <source>Colour by rank</source>
        <translation>按排名着色</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="249"/>
        <source>Colour by entropy</source>
        <translation>按熵着色</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="251"/>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="252"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="253"/>
        <source>Next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="254"/>
        <source>Prompt surprisal</source>
        <translation>提示词意外度</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="255"/>
        <source>Resample</source>
        <translation>重复采样</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="256"/>
        <source>Branches</source>
        <translation>分支</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="257"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="258"/>
        <source>Library</source>
        <translation>模板库</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="259"/>
        <source>Experiments</source>
        <translation>实验</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="261"/>
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="261"/>
        <source>Open, find and load models (Ctrl+O)</source>
        <translation>打开、查找并加载模型 (Ctrl+O)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="262"/>
        <source>&amp;Endpoints…</source>
        <translation>端点(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="262"/>
        <source>Servers to run models on: llama.cpp server, vLLM, Ollama, LM Studio</source>
        <translation>运行模型的服务器：llama.cpp server、vLLM、Ollama、LM Studio</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="263"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="264"/>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="264"/>
        <source>Run the prompt (Ctrl+Enter)</source>
        <translation>运行提示词 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="265"/>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="265"/>
        <source>Stop generating (Esc)</source>
        <translation>停止生成 (Esc)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="266"/>
        <source>Re&amp;generate</source>
        <translation>重新生成(&amp;G)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="266"/>
        <source>Run the last prompt again (Ctrl+R)</source>
        <translation>再次运行上一个提示词 (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="267"/>
        <source>&amp;Continue</source>
        <translation>继续(&amp;C)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="267"/>
        <source>Continue the output (Ctrl+Shift+Enter)</source>
        <translation>接着输出继续生成 (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="268"/>
        <source>Show &amp;exact prompt</source>
        <translation>显示实际提示词(&amp;E)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="268"/>
        <source>The exact text the model receives (Ctrl+P)</source>
        <translation>模型实际收到的文本 (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="269"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="270"/>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="271"/>
        <source>History &amp;database…</source>
        <translation>历史数据库(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="271"/>
        <source>Choose the file that keeps the run history</source>
        <translation>选择保存运行历史的文件</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="272"/>
        <source>&amp;New chat</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="272"/>
        <source>Start a new conversation; the system prompt stays (Ctrl+N)</source>
        <translation>开始新的对话；系统提示词保留（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="274"/>
        <source>&amp;Undo replacing the prompt</source>
        <translation>撤销替换提示词(&amp;U)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="275"/>
        <source>Bring back the prompt the Library or History replaced (Ctrl+Alt+Z)</source>
        <translation>找回被提示词库或历史记录替换掉的提示词（Ctrl+Alt+Z）</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="281"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="282"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="283"/>
        <source>&amp;Recent models</source>
        <translation>最近的模型(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="284"/>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="285"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="286"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="287"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="288"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="289"/>
        <source>Click to dismiss</source>
        <translation>点击关闭</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="141"/>
        <source>Prompt replaced · Edit → Undo (Ctrl+Alt+Z) brings it back</source>
        <translation>提示词已被替换 · 编辑 → 撤销（Ctrl+Alt+Z）可找回</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="502"/>
        <source>The history is unavailable, runs are not saved: {0}</source>
        <translation>历史记录不可用，运行不会被保存：{0}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="470"/>
        <source>Branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="471"/>
        <source>This run was made with {0}, which is not loaded. Load it to branch?</source>
        <translation>这次运行使用的是 {0}，它当前未加载。加载它以便分支吗？</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="480"/>
        <source>This history database cannot be used: {0}</source>
        <translation>无法使用此历史数据库：{0}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="492"/>
        <source>History database</source>
        <translation>历史数据库</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="546"/>
        <source>The conversation is too long</source>
        <translation>对话太长了</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="548"/>
        <source>This conversation is {0} tokens, more than the {1}-token context holds. Drop its oldest {2} turn(s) (about {3} tokens are left) and send it again? Edit → Undo brings them back.</source>
        <translation>这段对话有 {0} 个词元，超出了 {1} 词元的上下文。删去最早的 {2} 轮（约剩 {3} 个词元）并重新发送吗？编辑 → 撤销可以找回它们。</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="578"/>
        <source>About Prompt Workbench</source>
        <translation>关于提示词工作台</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="579"/>
        <source>Prompt Workbench {0}: see what a local language model does with your prompt. llama.cpp through llama-cpp-python {1}.</source>
        <translation>提示词工作台 {0}：看清本地语言模型如何处理你的提示词。通过 llama-cpp-python {1} 使用 llama.cpp。</translation>
    </message>
</context>
<context>
    <name>MessageRow</name>
    <message>
        <location filename="../editors.py" line="74"/>
        <source>user</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../editors.py" line="74"/>
        <source>assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../editors.py" line="74"/>
        <source>system</source>
        <translation>系统</translation>
    </message>
</context>
<context>
    <name>ModelController</name>
    <message>
        <location filename="../model_controller.py" line="77"/>
        <location filename="../model_controller.py" line="90"/>
        <source>A model is already loading. Wait for it or cancel it first.</source>
        <translation>已有模型正在加载。请等待或先取消。</translation>
    </message>
    <message>
        <location filename="../model_controller.py" line="80"/>
        <location filename="../model_controller.py" line="93"/>
        <source>The engine is busy; stop the current run before loading another model.</source>
        <translation>引擎正忙；请先停止当前运行再加载其他模型。</translation>
    </message>
    <message>
        <location filename="../model_controller.py" line="119"/>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <location filename="../model_controller.py" line="123"/>
        <source>Stopping to load {0}…</source>
        <translation>正在停止当前任务以加载 {0}…</translation>
    </message>
</context>
<context>
    <name>ModelManagerDialog</name>
    <message>
        <location filename="../model_manager.py" line="234"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="236"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="236"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="236"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="236"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="237"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="237"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="237"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="239"/>
        <source>Open file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="240"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="241"/>
        <source>Remove folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="242"/>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="243"/>
        <source>Endpoints…</source>
        <translation>端点…</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="244"/>
        <source>Remote servers whose models are listed here</source>
        <translation>在此列出其模型的远程服务器</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="245"/>
        <source>Model folders (scanned for .gguf files):</source>
        <translation>模型文件夹（扫描其中的 .gguf 文件）：</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="246"/>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="247"/>
        <source>Chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="248"/>
        <source>Load settings</source>
        <translation>加载设置</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="251"/>
        <source>GPU offload (layers)</source>
        <translation>GPU 卸载（层数）</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="251"/>
        <source>Context (tokens)</source>
        <translation>上下文（词元）</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="251"/>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="252"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="252"/>
        <source>Memory-map the file</source>
        <translation>内存映射文件</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="252"/>
        <source>Lock in RAM (mlock)</source>
        <translation>锁定在内存中 (mlock)</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="253"/>
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="253"/>
        <source>Chat format</source>
        <translation>对话格式</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="256"/>
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="256"/>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="256"/>
        <source>Auto (off on CPU)</source>
        <translation>自动（CPU 上关闭）</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="258"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="259"/>
        <source>Cancel loading</source>
        <translation>取消加载</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="325"/>
        <source>loaded now</source>
        <translation>当前已加载</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="379"/>
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="384"/>
        <source>Add a model folder</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="412"/>
        <source>(this model has no chat template)</source>
        <translation>（该模型没有对话模板）</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="452"/>
        <source>GPU offload is off: this llama.cpp build has no GPU support. Rebuild with `make run GPU=cuda`.</source>
        <translation>GPU 卸载不可用：当前 llama.cpp 构建不支持 GPU。请用 `make run GPU=cuda` 重新构建。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="461"/>
        <source>Runs on the server: nothing is loaded into this computer&apos;s memory.</source>
        <translation>在服务器上运行：不占用本机内存。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="469"/>
        <source>This context is longer than the model was trained for ({0} tokens); quality will drop past it.</source>
        <translation>该上下文长于模型训练长度（{0} 个词元）；超出部分质量会下降。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="473"/>
        <source>Needs about {0} (weights {1} + KV cache {2} + buffers {3}).</source>
        <translation>约需 {0}（权重 {1} + KV 缓存 {2} + 缓冲区 {3}）。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="478"/>
        <source>RAM: {0} needed, {1} free.</source>
        <translation>内存：需要 {0}，可用 {1}。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="482"/>
        <source>VRAM: {0} needed, {1} free.</source>
        <translation>显存：需要 {0}，可用 {1}。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="485"/>
        <source>VRAM: {0} needed.</source>
        <translation>显存：需要 {0}。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="487"/>
        <source>This will probably not fit: lower the context or the GPU layers.</source>
        <translation>可能放不下：请减小上下文或 GPU 层数。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="504"/>
        <source>Choose a model first.</source>
        <translation>请先选择一个模型。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="507"/>
        <source>A model is already loading. Wait for it or cancel it first.</source>
        <translation>已有模型正在加载。请等待或先取消。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="514"/>
        <source>Context longer than trained</source>
        <translation>上下文超过训练长度</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="515"/>
        <source>The model was trained for {0} tokens; {1} may give poor output past that. Load anyway?</source>
        <translation>模型训练长度为 {0} 个词元；使用 {1} 时超出部分输出可能较差。仍要加载吗？</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="521"/>
        <source>Not enough memory</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="521"/>
        <source>The estimate says this will not fit in memory. Load anyway?</source>
        <translation>估算显示内存放不下。仍要加载吗？</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="525"/>
        <source>The engine is busy generating. Stop the run first.</source>
        <translation>引擎正在生成。请先停止运行。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="565"/>
        <source>Try fewer GPU layers or a smaller context; if the file is damaged, download it again.</source>
        <translation>请尝试减少 GPU 层数或减小上下文；如果文件损坏，请重新下载。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="571"/>
        <source>Loading was cancelled.</source>
        <translation>已取消加载。</translation>
    </message>
</context>
<context>
    <name>NextTokenPanel</name>
    <message>
        <location filename="../next_token_panel.py" line="155"/>
        <source>Next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="156"/>
        <source>The distribution of the next token after the prompt</source>
        <translation>提示词之后下一个词元的概率分布</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="157"/>
        <source>Undo step</source>
        <translation>撤销一步</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="158"/>
        <source>Clear steps</source>
        <translation>清除步骤</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="159"/>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="253"/>
        <source>Appended by hand: {0}</source>
        <translation>手动追加：{0}</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="266"/>
        <source>{0} prompt token</source>
        <translation>提示词 {0} 个词元</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="266"/>
        <source>{0} prompt tokens</source>
        <translation>提示词 {0} 个词元</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="267"/>
        <source>entropy {0} nats</source>
        <translation>熵 {0} nats</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="268"/>
        <source>no entropy: the server lists its top tokens, not the vocabulary</source>
        <translation>无熵值：服务器只列出候选词元，而非整个词表</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="269"/>
        <source>{0} token can be drawn</source>
        <translation>可抽取 {0} 个词元</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="269"/>
        <source>{0} tokens can be drawn</source>
        <translation>可抽取 {0} 个词元</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="270"/>
        <source>{0}% outside the top {1}</source>
        <translation>前 {1} 名之外共 {0}%</translation>
    </message>
    <message>
        <source>{0} prompt tokens · entropy {1} nats · {2} tokens can be drawn · {3}% outside the top {4}</source>
        <translation type="vanished">提示词 {0} 个词元 · 熵 {1} nats · 可抽取 {2} 个词元 · 前 {4} 名之外共 {3}%</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="275"/>
        <source>Survivors: {0}</source>
        <translation>各阶段保留：{0}</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="276"/>
        <source>The prompt is empty: this is what the model predicts after its start token {0}.</source>
        <translation>提示为空：这是模型在其起始标记 {0} 之后预测的分布。</translation>
    </message>
</context>
<context>
    <name>OutputView</name>
    <message>
        <location filename="../output_view.py" line="55"/>
        <source>Output appears here, each token tinted by how likely the model thought it was.</source>
        <translation>输出显示在这里，每个词元按模型认为的可能性着色。</translation>
    </message>
    <message>
        <location filename="../output_view.py" line="138"/>
        <source>probability not provided by the server</source>
        <translation>服务器未提供概率</translation>
    </message>
    <message>
        <location filename="../output_view.py" line="149"/>
        <source>Branch here with</source>
        <translation>从此处分支为</translation>
    </message>
    <message>
        <location filename="../output_view.py" line="150"/>
        <source>Continue from token {0} with:</source>
        <translation>从第 {0} 个词元起继续，改用：</translation>
    </message>
</context>
<context>
    <name>PairsView</name>
    <message>
        <location filename="../experiment_results.py" line="585"/>
        <source>Comparison</source>
        <translation>比较</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="585"/>
        <source>Only A</source>
        <translation>仅 A 通过</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="585"/>
        <source>Only B</source>
        <translation>仅 B 通过</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="586"/>
        <source>Paired over the rows both columns ran: percentage points of pass rate with Newcombe&apos;s 95% interval; p is McNemar&apos;s exact test.</source>
        <translation>在两列都运行过的行上配对比较：通过率之差（百分点）及 Newcombe 95% 区间；p 为 McNemar 精确检验。</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="588"/>
        <source>Rows only the first column (A) passed</source>
        <translation>只有第一列 (A) 通过的行</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="588"/>
        <source>Rows only the second column (B) passed</source>
        <translation>只有第二列 (B) 通过的行</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="604"/>
        <location filename="../experiment_results.py" line="605"/>
        <source>rows only {0} passed</source>
        <translation>只有 {0} 通过的行</translation>
    </message>
</context>
<context>
    <name>PassRateChart</name>
    <message>
        <location filename="../experiment_results.py" line="440"/>
        <source>No results yet.</source>
        <translation>还没有结果。</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="482"/>
        <source>no cases</source>
        <translation>没有用例</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="484"/>
        <source>{0}% [{1}, {2}]</source>
        <translation>{0}% [{1}, {2}]</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="556"/>
        <source>{0}: {1} passed of {2} · {3}</source>
        <translation>{0}：{2} 个中通过 {1} 个 · {3}</translation>
    </message>
</context>
<context>
    <name>PromptEditors</name>
    <message>
        <location filename="../editors.py" line="260"/>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../editors.py" line="261"/>
        <source>Completion</source>
        <translation>续写</translation>
    </message>
    <message>
        <location filename="../editors.py" line="262"/>
        <source>Raw text for the model to continue. Ctrl+Enter runs it.</source>
        <translation>供模型续写的原始文本。按 Ctrl+Enter 运行。</translation>
    </message>
</context>
<context>
    <name>ResamplePanel</name>
    <message>
        <location filename="../resample_panel.py" line="82"/>
        <source>Runs:</source>
        <translation>次数：</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="83"/>
        <source>Resample</source>
        <translation>重复采样</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="84"/>
        <source>Run the prompt this many times with the current sampler</source>
        <translation>用当前采样设置将提示词运行这么多次</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="85"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="86"/>
        <location filename="../resample_panel.py" line="87"/>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="86"/>
        <location filename="../resample_panel.py" line="87"/>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="86"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="87"/>
        <source>First token</source>
        <translation>第一个词元</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="134"/>
        <source>{0} run</source>
        <translation>{0} 次运行</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="134"/>
        <source>{0} runs</source>
        <translation>{0} 次运行</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="135"/>
        <source>{0} distinct output</source>
        <translation>{0} 种不同输出</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="135"/>
        <source>{0} distinct outputs</source>
        <translation>{0} 种不同输出</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="136"/>
        <source>{0} distinct first token</source>
        <translation>{0} 种不同的第一个词元</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="136"/>
        <source>{0} distinct first tokens</source>
        <translation>{0} 种不同的第一个词元</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="145"/>
        <source>stopped after {0} run</source>
        <translation>{0} 次运行后停止</translation>
    </message>
    <message>
        <source>{0} runs · {1} distinct outputs · {2} distinct first tokens</source>
        <translation type="vanished">{0} 次运行 · {1} 种不同输出 · {2} 种不同的第一个词元</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="145"/>
        <source>stopped after {0} runs</source>
        <translation>{0} 次运行后停止</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <location filename="../experiment_results.py" line="248"/>
        <location filename="../experiment_results.py" line="254"/>
        <location filename="../experiment_results.py" line="294"/>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="276"/>
        <source>row {0}</source>
        <translation>第 {0} 行</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="283"/>
        <source>{0} of {1} repeats passed</source>
        <translation>{1} 次重复中通过 {0} 次</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="286"/>
        <source>… and {0} more repeats</source>
        <translation>…… 还有 {0} 次重复</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="288"/>
        <source>Double-click to open run {0}.</source>
        <translation>双击打开运行 {0}。</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="296"/>
        <source>passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="296"/>
        <source>failed</source>
        <translation>未通过</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="296"/>
        <source>not judged</source>
        <translation>未评判</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="297"/>
        <source>repeat {0}</source>
        <translation>第 {0} 次重复</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="299"/>
        <source>score {0}</source>
        <translation>得分 {0}</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="301"/>
        <source>from the history</source>
        <translation>取自历史记录</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="304"/>
        <source>Error: {0}</source>
        <translation>错误：{0}</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="314"/>
        <source>Label probabilities: {0}</source>
        <translation>标签概率：{0}</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="317"/>
        <source>Output:</source>
        <translation>输出：</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="347"/>
        <source>prompt {0} · variant {1} · model {2}</source>
        <translation>提示词 {0} · 变体 {1} · 模型 {2}</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="351"/>
        <source>pass rate {0}% [{1}, {2}] · {3} of {4} passed</source>
        <translation>通过率 {0}% [{1}, {2}] · {4} 个中通过 {3} 个</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="354"/>
        <source>{0} errors (counted as failures)</source>
        <translation>{0} 个错误（计为未通过）</translation>
    </message>
    <message>
        <location filename="../experiment_results.py" line="356"/>
        <source>mean score {0}</source>
        <translation>平均得分 {0}</translation>
    </message>
</context>
<context>
    <name>RunController</name>
    <message>
        <source>The history database is unavailable, so its templates are too.</source>
        <translation type="vanished">历史数据库不可用，因此其中的模板也不可用。</translation>
    </message>
    <message>
        <location filename="../run_controller.py" line="148"/>
        <source>The prompt is empty. Type something to send to the model.</source>
        <translation>提示词为空。请输入要发送给模型的内容。</translation>
    </message>
    <message>
        <location filename="../run_controller.py" line="248"/>
        <source>The context is full ({0} tokens): the output stopped there. Load the model with a larger context (Models…).</source>
        <translation>上下文已满（{0} 个词元）：输出在此停止。请用更大的上下文加载模型（模型…）。</translation>
    </message>
    <message>
        <source>main</source>
        <translation type="vanished">主线</translation>
    </message>
    <message>
        <location filename="../run_controller.py" line="499"/>
        <source>Load a model first (and wait for the current run to end).</source>
        <translation>请先加载模型（并等待当前运行结束）。</translation>
    </message>
</context>
<context>
    <name>SampleView</name>
    <message>
        <location filename="../votes_view.py" line="33"/>
        <source>Choose a sample to see its tokens.</source>
        <translation>选择一个样本以查看它的词元。</translation>
    </message>
</context>
<context>
    <name>SamplingPanel</name>
    <message>
        <location filename="../sampling_panel.py" line="119"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="120"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="121"/>
        <source>Save the current settings as a named preset</source>
        <translation>将当前设置保存为命名预设</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="122"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="123"/>
        <source>Delete the selected preset (built-in presets stay)</source>
        <translation>删除所选预设（内置预设不可删除）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="125"/>
        <source>&amp;Temperature</source>
        <translation>温度(&amp;T)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="125"/>
        <source>0 = always the most likely token; higher = more random</source>
        <translation>0 = 总是选择最可能的词元；越高越随机</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="126"/>
        <source>Top-&amp;k</source>
        <translation>Top-&amp;k</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="126"/>
        <source>Keep only the K most likely tokens (0 = off)</source>
        <translation>只保留概率最高的 K 个词元（0 = 关闭）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="127"/>
        <source>Top-&amp;p</source>
        <translation>Top-&amp;p</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="127"/>
        <source>Keep the most likely tokens up to this total probability (1 = off)</source>
        <translation>保留累计概率达到该值的最可能词元（1 = 关闭）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="128"/>
        <source>&amp;Min-p</source>
        <translation>Min-p(&amp;M)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="128"/>
        <source>Drop tokens less likely than this fraction of the best one (0 = off)</source>
        <translation>丢弃概率低于最佳词元该比例的词元（0 = 关闭）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="129"/>
        <source>&amp;Repeat penalty</source>
        <translation>重复惩罚(&amp;R)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="129"/>
        <source>Penalise tokens used in the last 64 (1 = off)</source>
        <translation>惩罚最近 64 个词元中出现过的词元（1 = 关闭）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="131"/>
        <source>A fixed seed makes a run repeat exactly; after a run this shows the seed it used</source>
        <translation>固定种子可让运行完全重现；每次运行后这里显示所用的种子</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="130"/>
        <source>Stop after this many tokens</source>
        <translation>生成这么多词元后停止</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="130"/>
        <source>Ma&amp;x tokens</source>
        <translation>最大词元数(&amp;X)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="131"/>
        <source>&amp;Seed</source>
        <translation>随机种子(&amp;S)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="132"/>
        <source>St&amp;op strings</source>
        <translation>停止字符串(&amp;O)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="132"/>
        <source>One per line (\n for a newline); generation stops when one appears</source>
        <translation>每行一个（\n 表示换行）；出现时停止生成</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="137"/>
        <source>fixed</source>
        <translation>固定</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="138"/>
        <source>Tick to reuse the seed shown; untick for a new random seed each run</source>
        <translation>勾选以复用显示的种子；取消勾选则每次使用新的随机种子</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="139"/>
        <source>(custom settings)</source>
        <translation>（自定义设置）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="220"/>
        <source>Deterministic</source>
        <translation>确定性</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="220"/>
        <source>Balanced</source>
        <translation>均衡</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="220"/>
        <source>Creative</source>
        <translation>创意</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="260"/>
        <location filename="../sampling_panel.py" line="266"/>
        <source>Save preset</source>
        <translation>保存预设</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="260"/>
        <source>Preset name:</source>
        <translation>预设名称：</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="273"/>
        <source>Delete preset</source>
        <translation>删除预设</translation>
    </message>
</context>
<context>
    <name>ServerModels</name>
    <message>
        <location filename="../server_models.py" line="60"/>
        <source>{0} on the endpoint {1} ({2})</source>
        <translation>端点 {1} 上的 {0}（{2}）</translation>
    </message>
    <message>
        <location filename="../server_models.py" line="62"/>
        <source>{0}: asking the server…</source>
        <translation>{0}：正在询问服务器…</translation>
    </message>
    <message>
        <location filename="../server_models.py" line="65"/>
        <source>{0}: the server lists no models</source>
        <translation>{0}：服务器没有列出模型</translation>
    </message>
    <message>
        <location filename="../server_models.py" line="68"/>
        <source>{0}: unreachable</source>
        <translation>{0}：无法连接</translation>
    </message>
    <message>
        <location filename="../server_models.py" line="73"/>
        <source>loaded now</source>
        <translation>当前已加载</translation>
    </message>
    <message>
        <location filename="../server_models.py" line="75"/>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../server_models.py" line="99"/>
        <source>(the server applies its own chat template)</source>
        <translation>（服务器使用自己的对话模板）</translation>
    </message>
    <message>
        <location filename="../server_models.py" line="121"/>
        <source>A model is already loading. Wait for it or cancel it first.</source>
        <translation>已有模型正在加载。请等待或先取消。</translation>
    </message>
    <message>
        <location filename="../server_models.py" line="126"/>
        <source>The engine is busy generating. Stop the run first.</source>
        <translation>引擎正在生成。请先停止运行。</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../dialogs.py" line="72"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="75"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="75"/>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../status_bar.py" line="69"/>
        <source>History unavailable</source>
        <translation>历史记录不可用</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="70"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="74"/>
        <location filename="../status_bar.py" line="154"/>
        <source>No model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>%v / %m tokens</source>
        <translation type="vanished">%v / %m 词元</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="90"/>
        <source>no model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="130"/>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="110"/>
        <source>{0} prompt tokens of a {1}-token context</source>
        <translation>提示词 {0} 个词元，上下文共 {1} 个词元</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="92"/>
        <source>? / {1} tokens</source>
        <translation>? / {1} 词元</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="92"/>
        <source>? tokens</source>
        <translation>? 个词元</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="93"/>
        <source>The prompt could not be counted: {0}</source>
        <translation>无法统计提示词的词元数：{0}</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="95"/>
        <source>{0} tokens</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="96"/>
        <source>The server does not say how large its context is: a prompt too long for it fails with the server&apos;s message.</source>
        <translation>服务器没有说明其上下文大小：过长的提示会失败，并显示服务器的消息。</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="98"/>
        <source>{0} / {1} tokens · {2} over</source>
        <translation>{0} / {1} 词元 · 超出 {2}</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="100"/>
        <source>The prompt is {0} tokens, {2} more than the {1}-token context holds. llama.cpp cannot take it: a run stops at once with an error. Shorten the prompt, or load the model again with a larger context (Models…).</source>
        <translation>提示词有 {0} 个词元，比 {1} 词元的上下文多出 {2} 个。llama.cpp 无法接受：运行会立即报错停止。请缩短提示词，或用更大的上下文重新加载模型（模型…）。</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="105"/>
        <source>{0} / {1} tokens</source>
        <translation>{0} / {1} 词元</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="108"/>
        <source>{0} tokens of a {1}-token context: the prompt and the output</source>
        <translation>{1} 词元的上下文中已用 {0} 个：提示词和输出</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="169"/>
        <source>Chat: {0}</source>
        <translation>对话：{0}</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="170"/>
        <source>Chat messages are written in this format (Models… → Chat format changes it).</source>
        <translation>对话消息按此格式书写（可在“模型…→ 对话格式”中更改）。</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="196"/>
        <source>generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="200"/>
        <source>prompt {0} tokens in {1} ms</source>
        <translation>提示词 {0} 个词元，用时 {1} 毫秒</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="203"/>
        <source>{0} tokens · {1} tok/s · seed {2}</source>
        <translation>{0} 个词元 · {1} 词元/秒 · 种子 {2}</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="204"/>
        <source> · stopped</source>
        <translation> · 已停止</translation>
    </message>
</context>
<context>
    <name>SurprisalPanel</name>
    <message>
        <location filename="../surprisal_panel.py" line="51"/>
        <source>Score the prompt</source>
        <translation>为提示词打分</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="52"/>
        <source>How surprising the model finds each token of the exact prompt</source>
        <translation>模型对实际提示词中每个词元的意外程度</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="54"/>
        <source>Red tokens surprised the model; the first token has no context to be scored by.</source>
        <translation>红色词元让模型感到意外；第一个词元之前没有上下文，无法打分。</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="86"/>
        <source>Perplexity {0} over {1} tokens.</source>
        <translation>{1} 个词元的困惑度为 {0}。</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="90"/>
        <source>Most surprising: {0}.</source>
        <translation>最意外的：{0}。</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="94"/>
        <source>The prompt is longer than the context: scored in {0} windows of {1} tokens.</source>
        <translation>提示词长于上下文：分 {0} 个窗口打分，每个 {1} 个词元。</translation>
    </message>
</context>
<context>
    <name>TemplateEditor</name>
    <message>
        <location filename="../template_editor.py" line="90"/>
        <source>Declare the variables the texts use</source>
        <translation>声明文本中用到的变量</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="101"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="102"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="103"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="104"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="107"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="108"/>
        <source>Body (Jinja: {{ variable }})</source>
        <translation>正文（Jinja：{{ variable }}）</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="111"/>
        <source>- name: review
  default: &quot;...&quot;   # leave out: the value is required
  description: ...</source>
        <translation>- name: review
  default: &quot;...&quot;   # 省略则此变量必填
  description: ...</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="115"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="116"/>
        <source>Variables</source>
        <translation>变量</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="117"/>
        <source>Worked examples</source>
        <translation>示例（含推理）</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="118"/>
        <source>Variants</source>
        <translation>变体</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="127"/>
        <source>What changed</source>
        <translation>改动说明</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="131"/>
        <source>New template</source>
        <translation>新建模板</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="131"/>
        <source>New version of {0}</source>
        <translation>{0} 的新版本</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="169"/>
        <source>Write the template&apos;s body first.</source>
        <translation>请先写好模板正文。</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="177"/>
        <source>The texts use {0} without declaring it: add it on the Variables tab, or click “Declare the variables the texts use” there.</source>
        <translation>文本使用了未声明的 {0}：请在“变量”页添加它，或在那里点击“声明文本中用到的变量”。</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="180"/>
        <source>The texts use {0} without declaring them: add them on the Variables tab, or click “Declare the variables the texts use” there.</source>
        <translation>文本使用了未声明的 {0}：请在“变量”页添加它们，或在那里点击“声明文本中用到的变量”。</translation>
    </message>
</context>
<context>
    <name>ThemeMenu</name>
    <message>
        <location filename="../theme.py" line="260"/>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../theme.py" line="261"/>
        <source>Follow the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <location filename="../theme.py" line="262"/>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <location filename="../theme.py" line="263"/>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
</context>
<context>
    <name>TokenLab</name>
    <message>
        <location filename="../token_lab.py" line="382"/>
        <source>Type or paste text to see how each tokenizer cuts it.</source>
        <translation>输入或粘贴文本，查看每个分词器如何切分它。</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="383"/>
        <location filename="../token_lab.py" line="740"/>
        <source>Import .tiktoken…</source>
        <translation>导入 .tiktoken…</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="384"/>
        <location filename="../token_lab.py" line="743"/>
        <location filename="../token_lab.py" line="748"/>
        <source>Open text file…</source>
        <translation>打开文本文件…</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="385"/>
        <source>Copy ids</source>
        <translation>复制 ID</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="386"/>
        <source>Show whitespace</source>
        <translation>显示空白字符</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="387"/>
        <source>Decode ids:</source>
        <translation>解码 ID：</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="388"/>
        <source>e.g. [9906, 1917]</source>
        <translation>例如 [9906, 1917]</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="389"/>
        <source>Decode</source>
        <translation>解码</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="390"/>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="390"/>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="390"/>
        <source>bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="390"/>
        <source>start</source>
        <translation>起点</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="390"/>
        <source>end</source>
        <translation>终点</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="390"/>
        <source>flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="391"/>
        <source>special</source>
        <translation>特殊</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="391"/>
        <source>partial</source>
        <translation>不完整</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="400"/>
        <source>Model: {0}</source>
        <translation>模型：{0}</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="400"/>
        <source>Model (none loaded)</source>
        <translation>模型（未加载）</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="452"/>
        <source>Model tokenizer unavailable: no model is loaded. tiktoken encodings still work.</source>
        <translation>模型分词器不可用：未加载模型。tiktoken 编码仍可使用。</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="464"/>
        <source>The text has {0} characters; tokens are shown for the first {1}.</source>
        <translation>文本共 {0} 个字符；仅显示前 {1} 个字符的词元。</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="571"/>
        <source>{0} token</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="571"/>
        <source>{0} tokens</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="572"/>
        <source>{0} chars/token · {1} bytes/token · {2} partial</source>
        <translation>每词元 {0} 个字符 · 每词元 {1} 字节 · {2} 个不完整</translation>
    </message>
    <message>
        <source>{0} tokens · {1} chars/token · {2} bytes/token · {3} partial</source>
        <translation type="vanished">{0} 个词元 · 每词元 {1} 个字符 · 每词元 {2} 字节 · {3} 个不完整</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="574"/>
        <source>{0} characters the vocabulary cannot represent (red)</source>
        <translation>{0} 个字符无法用该词表表示（红色）</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="619"/>
        <source>{0} tokens share {1}</source>
        <translation>{0} 个词元共同组成 {1}</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="723"/>
        <source>Only the first 16 MB of the file were read.</source>
        <translation>只读取了文件的前 16 MB。</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="734"/>
        <source>Import a .tiktoken file</source>
        <translation>导入 .tiktoken 文件</translation>
    </message>
</context>
<context>
    <name>ValueLabels</name>
    <message>
        <location filename="../labels.py" line="19"/>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <location filename="../labels.py" line="19"/>
        <location filename="../labels.py" line="23"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../labels.py" line="19"/>
        <location filename="../labels.py" line="24"/>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <location filename="../labels.py" line="23"/>
        <source>stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../labels.py" line="23"/>
        <source>length</source>
        <translation>长度上限</translation>
    </message>
    <message>
        <location filename="../labels.py" line="28"/>
        <source>completion</source>
        <translation>续写</translation>
    </message>
    <message>
        <location filename="../labels.py" line="28"/>
        <source>chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../labels.py" line="35"/>
        <source>listed by the server</source>
        <translation>服务器列出</translation>
    </message>
    <message>
        <location filename="../labels.py" line="36"/>
        <source>vocabulary</source>
        <translation>词表</translation>
    </message>
    <message>
        <location filename="../labels.py" line="41"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../labels.py" line="42"/>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../labels.py" line="43"/>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../labels.py" line="44"/>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../labels.py" line="45"/>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
</context>
<context>
    <name>VotesView</name>
    <message>
        <location filename="../votes_view.py" line="112"/>
        <location filename="../votes_view.py" line="113"/>
        <source>Answer</source>
        <translation>答案</translation>
    </message>
    <message>
        <location filename="../votes_view.py" line="112"/>
        <source>Votes</source>
        <translation>票数</translation>
    </message>
    <message>
        <location filename="../votes_view.py" line="112"/>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <location filename="../votes_view.py" line="113"/>
        <source>Sample</source>
        <translation>样本</translation>
    </message>
    <message>
        <location filename="../votes_view.py" line="113"/>
        <source>Tokens</source>
        <translation>词元数</translation>
    </message>
    <message>
        <location filename="../votes_view.py" line="113"/>
        <source>Mean p</source>
        <translation>平均概率</translation>
    </message>
    <message>
        <location filename="../votes_view.py" line="154"/>
        <source>(no answer)</source>
        <translation>（无答案）</translation>
    </message>
</context>
<context>
    <name>WindowSession</name>
    <message>
        <location filename="../session_state.py" line="76"/>
        <source>Your work is not being saved for the next start: {0}</source>
        <translation>你的工作未能保存到下次启动：{0}</translation>
    </message>
    <message>
        <location filename="../session_state.py" line="87"/>
        <source>The last session was not restored: {0}</source>
        <translation>上次的会话未能恢复：{0}</translation>
    </message>
    <message>
        <location filename="../session_state.py" line="105"/>
        <source>Part of the last session was not restored: {0}</source>
        <translation>上次会话的一部分未能恢复：{0}</translation>
    </message>
</context>
<context>
    <name>_AssertTable</name>
    <message>
        <location filename="../experiment_editor.py" line="235"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="235"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="235"/>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
</context>
<context>
    <name>_PromptTable</name>
    <message>
        <location filename="../experiment_editor.py" line="184"/>
        <location filename="../experiment_editor.py" line="212"/>
        <source>template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="184"/>
        <location filename="../experiment_editor.py" line="213"/>
        <source>inline text</source>
        <translation>内联文本</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="190"/>
        <source>(edit in YAML)</source>
        <translation>（在 YAML 中编辑）</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="209"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="209"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="209"/>
        <source>Template or text</source>
        <translation>模板或文本</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="210"/>
        <source>Variants</source>
        <translation>变体</translation>
    </message>
    <message>
        <location filename="../experiment_editor.py" line="210"/>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../app.py" line="48"/>
        <source>The last model, {0}, is no longer there; loaded the bundled model.</source>
        <translation>上次使用的模型 {0} 已不存在；已加载内置模型。</translation>
    </message>
</context>
</TS>
