<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BranchesPanel</name>
    <message>
        <location filename="../branches_panel.py" line="71"/>
        <source>Right-click a token in the output to branch from another choice. Click a branch to show it.</source>
        <translation>在输出中右键单击一个词元，可从另一个选择分支。单击一个分支即可显示它。</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="73"/>
        <source>Branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="73"/>
        <source>At token</source>
        <translation>分叉位置</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="73"/>
        <source>Chosen</source>
        <translation>所选词元</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="73"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="73"/>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="73"/>
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="73"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="75"/>
        <source>Compare:</source>
        <translation>比较：</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="79"/>
        <source>main</source>
        <translation>主线</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="79"/>
        <source>branch {0}</source>
        <translation>分支 {0}</translation>
    </message>
    <message>
        <location filename="../branches_panel.py" line="172"/>
        <source>{0} tokens · perplexity {1} · mean logprob {2} · {3}</source>
        <translation>{0} 个词元 · 困惑度 {1} · 平均对数概率 {2} · {3}</translation>
    </message>
</context>
<context>
    <name>ChatEditor</name>
    <message>
        <location filename="../editors.py" line="95"/>
        <source>System prompt (optional)</source>
        <translation>系统提示词（可选）</translation>
    </message>
    <message>
        <location filename="../editors.py" line="96"/>
        <source>How the assistant should behave, e.g. “Answer in one sentence.”</source>
        <translation>助手应如何表现，例如“用一句话回答。”</translation>
    </message>
    <message>
        <location filename="../editors.py" line="97"/>
        <source>Add message</source>
        <translation>添加消息</translation>
    </message>
    <message>
        <location filename="../editors.py" line="100"/>
        <source>Remove this message</source>
        <translation>删除这条消息</translation>
    </message>
    <message>
        <location filename="../editors.py" line="101"/>
        <source>Message text</source>
        <translation>消息内容</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <location filename="../compare_view.py" line="56"/>
        <source>Compare runs</source>
        <translation>比较运行</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="74"/>
        <source>run {0} → run {1}</source>
        <translation>运行 {0} → 运行 {1}</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="87"/>
        <source>The runs drew the same tokens as far as the shorter one goes.</source>
        <translation>在较短的那次运行结束之前，两次运行抽到的词元完全相同。</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="90"/>
        <source>They part at token {0}: run {1} drew {2} ({3}; run {4} gave it {5}), run {4} drew {6} ({7}; run {1} gave it {8}).</source>
        <translation>两者在第 {0} 个词元分开：运行 {1} 抽到 {2}（{3}；运行 {4} 给它 {5}），运行 {4} 抽到 {6}（{7}；运行 {1} 给它 {8}）。</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="99"/>
        <source>Shared token</source>
        <translation>共同词元</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="99"/>
        <source>Change (nats)</source>
        <translation>变化（奈特）</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="117"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="118"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="119"/>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="121"/>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="122"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="123"/>
        <source>Mean logprob</source>
        <translation>平均对数概率</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="124"/>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="125"/>
        <source>Same tokens as run {0}</source>
        <translation>与运行 {0} 相同的词元</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="129"/>
        <source>tok/s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="130"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../compare_view.py" line="99"/>
        <location filename="../compare_view.py" line="138"/>
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
        <location filename="../next_token_panel.py" line="76"/>
        <source>cut by {0}</source>
        <translation>被 {0} 剔除</translation>
    </message>
</context>
<context>
    <name>ExactPromptDialog</name>
    <message>
        <location filename="../dialogs.py" line="31"/>
        <source>Exact prompt</source>
        <translation>实际提示词</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="37"/>
        <source>{0} tokens</source>
        <translation>{0} 个词元</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="37"/>
        <source>token count unavailable</source>
        <translation>无法统计词元数</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="38"/>
        <source>{0} characters · {1}. Special tokens are shown in red.</source>
        <translation>{0} 个字符 · {1}。特殊词元以红色显示。</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../history_panel.py" line="235"/>
        <source>Search prompts, outputs, notes, templates…</source>
        <translation>搜索提示词、输出、备注、模板…</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="236"/>
        <source>Any status</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="237"/>
        <source>Any variant</source>
        <translation>任意变体</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="238"/>
        <source>Any model</source>
        <translation>任意模型</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="239"/>
        <source>Any rating</source>
        <translation>任意评分</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="240"/>
        <source>Starred</source>
        <translation>已加星标</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="242"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="242"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="242"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="242"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="242"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="243"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="243"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="243"/>
        <source>tok/s</source>
        <translation>词元/秒</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="243"/>
        <source>Rating</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="246"/>
        <source>Star</source>
        <translation>加星标</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="247"/>
        <source>Rating:</source>
        <translation>评分：</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="248"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="249"/>
        <source>Note (saved when you press Enter)</source>
        <translation>备注（按回车保存）</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="250"/>
        <source>Show in output</source>
        <translation>在输出中显示</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="251"/>
        <source>Run again</source>
        <translation>再次运行</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="252"/>
        <source>Compare selected</source>
        <translation>比较所选</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="253"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="312"/>
        <source>Opening the history…</source>
        <translation>正在打开历史记录…</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="314"/>
        <source>History unavailable: {0}</source>
        <translation>历史记录不可用：{0}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="319"/>
        <source>{0} runs</source>
        <translation>{0} 次运行</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="353"/>
        <source>unknown model</source>
        <translation>未知模型</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="356"/>
        <source>sampler: {0}</source>
        <translation>采样器：{0}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="357"/>
        <source>{0} prompt tokens, {1} generated at {2} tok/s · seed {3} · {4}</source>
        <translation>{0} 个提示词元，生成 {1} 个，{2} 词元/秒 · 种子 {3} · {4}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="361"/>
        <source>template {0} · variant {1}</source>
        <translation>模板 {0} · 变体 {1}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="363"/>
        <source>variant {0}</source>
        <translation>变体 {0}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="367"/>
        <source>votes over {0} samples: {1} · no answer in {2}</source>
        <translation>{0} 个样本的投票：{1} · {2} 个没有答案</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="371"/>
        <source>tree of thought: {0} steps explored; best path: {1}</source>
        <translation>思维树：探索了 {0} 个步骤；最佳路径：{1}</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="376"/>
        <source>{0} branches</source>
        <translation>{0} 个分支</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="392"/>
        <location filename="../history_panel.py" line="420"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="409"/>
        <source>Delete runs</source>
        <translation>删除运行</translation>
    </message>
    <message>
        <location filename="../history_panel.py" line="409"/>
        <source>Delete {0} run(s) from the history? This cannot be undone.</source>
        <translation>从历史记录中删除 {0} 次运行？此操作无法撤销。</translation>
    </message>
</context>
<context>
    <name>HistoryRecorder</name>
    <message>
        <location filename="../history_recorder.py" line="89"/>
        <source>The run was not saved in the history: {0}</source>
        <translation>本次运行未保存到历史记录：{0}</translation>
    </message>
    <message>
        <location filename="../history_recorder.py" line="111"/>
        <source>The branches were not saved in the history: {0}</source>
        <translation>分支未保存到历史记录：{0}</translation>
    </message>
</context>
<context>
    <name>LibraryPanel</name>
    <message>
        <location filename="../library_panel.py" line="188"/>
        <source>Filter templates by name or tag</source>
        <translation>按名称或标签筛选模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="189"/>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="189"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="190"/>
        <source>Variant:</source>
        <translation>变体：</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="191"/>
        <source>Put in editor</source>
        <translation>放入编辑器</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="192"/>
        <source>Render the template with this variant into the prompt editor</source>
        <translation>用此变体渲染模板并放入提示词编辑器</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="193"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="194"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="195"/>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="196"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="197"/>
        <source>Write the next version of this template</source>
        <translation>为此模板写下一个版本</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="198"/>
        <source>More</source>
        <translation>更多</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="199"/>
        <source>Duplicate…</source>
        <translation>复制…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="200"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="201"/>
        <source>Label this version…</source>
        <translation>给此版本加标签…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="202"/>
        <source>Changes from the previous version</source>
        <translation>与上一版本的差异</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="203"/>
        <source>Archive / restore</source>
        <translation>归档 / 恢复</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="204"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="205"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="206"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="207"/>
        <source>Archived</source>
        <translation>已归档</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="208"/>
        <source>Answer</source>
        <translation>答案</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="208"/>
        <source>Votes</source>
        <translation>票数</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="208"/>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="209"/>
        <source>Step</source>
        <translation>步骤</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="209"/>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="209"/>
        <source>Kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="236"/>
        <source> · archived</source>
        <translation> · 已归档</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="318"/>
        <source>required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="322"/>
        <source>This template has no variables.</source>
        <translation>此模板没有变量。</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="328"/>
        <source>as written (no variant)</source>
        <translation>按原样（不用变体）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="334"/>
        <source>{0} (defaults)</source>
        <translation>{0}（默认设置）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="368"/>
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="380"/>
        <source> (stopped early)</source>
        <translation>（提前停止）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="384"/>
        <source>no answer found</source>
        <translation>未找到答案</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="385"/>
        <source> (a tie)</source>
        <translation>（平票）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="387"/>
        <source>Majority answer: {0} · {1} of {2} samples agree · no answer in {3}</source>
        <translation>多数答案：{0} · {2} 个样本中 {1} 个一致 · {3} 个没有答案</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="398"/>
        <source>Answer from the best path: {0}</source>
        <translation>最佳路径给出的答案：{0}</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="416"/>
        <source>(the question)</source>
        <translation>（问题）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="423"/>
        <source>P(yes) {0:.1%} · P(no) {1:.1%}</source>
        <translation>P(是) {0:.1%} · P(否) {1:.1%}</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="451"/>
        <location filename="../library_panel.py" line="456"/>
        <source>Import templates</source>
        <translation>导入模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="451"/>
        <source>Templates (*.json *.yaml *.yml)</source>
        <translation>模板 (*.json *.yaml *.yml)</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="458"/>
        <source>Imported {0} template(s).</source>
        <translation>已导入 {0} 个模板。</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="461"/>
        <location filename="../library_panel.py" line="466"/>
        <source>Export templates</source>
        <translation>导出模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="461"/>
        <source>YAML (*.yaml);;JSON (*.json)</source>
        <translation>YAML (*.yaml);;JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="500"/>
        <location filename="../library_panel.py" line="501"/>
        <source>Duplicate template</source>
        <translation>复制模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="500"/>
        <source>Name of the copy:</source>
        <translation>副本名称：</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="504"/>
        <location filename="../library_panel.py" line="505"/>
        <source>Rename template</source>
        <translation>重命名模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="504"/>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="512"/>
        <location filename="../library_panel.py" line="513"/>
        <source>Label this version</source>
        <translation>给此版本加标签</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="512"/>
        <source>Label for {0} (e.g. production):</source>
        <translation>{0} 的标签（例如 production）：</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="525"/>
        <source>Changes</source>
        <translation>差异</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="529"/>
        <source>{0}: v{1} → v{2} ({3})</source>
        <translation>{0}：v{1} → v{2}（{3}）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="530"/>
        <source>(no difference)</source>
        <translation>（没有差异）</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="544"/>
        <source>Archive</source>
        <translation>归档</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="550"/>
        <location filename="../library_panel.py" line="561"/>
        <source>Delete template</source>
        <translation>删除模板</translation>
    </message>
    <message>
        <location filename="../library_panel.py" line="551"/>
        <source>Delete the template {0} with all its versions? Runs made from it keep their prompts.</source>
        <translation>删除模板 {0} 及其所有版本？用它生成的运行记录会保留各自的提示词。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="284"/>
        <source>Prompt Workbench</source>
        <translation>提示词工作台</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="285"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="287"/>
        <source>Output · green likely, red surprising · hover a token for alternatives, right-click to branch</source>
        <translation>输出 · 绿色为高概率，红色为意外 · 悬停词元查看候选，右键从此处分支</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="290"/>
        <source>Colour by probability</source>
        <translation>按概率着色</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="290"/>
        <source>Colour by rank</source>
        <translation>按排名着色</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="290"/>
        <source>Colour by entropy</source>
        <translation>按熵着色</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="292"/>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="293"/>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="294"/>
        <source>Next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="295"/>
        <source>Prompt surprisal</source>
        <translation>提示词意外度</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="296"/>
        <source>Resample</source>
        <translation>重复采样</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="297"/>
        <source>Branches</source>
        <translation>分支</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="298"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="299"/>
        <source>Library</source>
        <translation>模板库</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="301"/>
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="301"/>
        <source>Open, find and load models (Ctrl+O)</source>
        <translation>打开、查找并加载模型 (Ctrl+O)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="302"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="303"/>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="303"/>
        <source>Run the prompt (Ctrl+Enter)</source>
        <translation>运行提示词 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="304"/>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="304"/>
        <source>Stop generating (Esc)</source>
        <translation>停止生成 (Esc)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="305"/>
        <source>Re&amp;generate</source>
        <translation>重新生成(&amp;G)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="305"/>
        <source>Run the last prompt again (Ctrl+R)</source>
        <translation>再次运行上一个提示词 (Ctrl+R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="306"/>
        <source>&amp;Continue</source>
        <translation>继续(&amp;C)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="306"/>
        <source>Continue the output (Ctrl+Shift+Enter)</source>
        <translation>接着输出继续生成 (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="307"/>
        <source>Show &amp;exact prompt</source>
        <translation>显示实际提示词(&amp;E)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="307"/>
        <source>The exact text the model receives (Ctrl+P)</source>
        <translation>模型实际收到的文本 (Ctrl+P)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="308"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="309"/>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="310"/>
        <source>History &amp;database…</source>
        <translation>历史数据库(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="310"/>
        <source>Choose the file that keeps the run history</source>
        <translation>选择保存运行历史的文件</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="315"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="316"/>
        <source>&amp;Recent models</source>
        <translation>最近的模型(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="317"/>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="318"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="319"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="320"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="321"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="322"/>
        <source>Click to dismiss</source>
        <translation>点击关闭</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="496"/>
        <source>The history is unavailable, runs are not saved: {0}</source>
        <translation>历史记录不可用，运行不会被保存：{0}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="464"/>
        <source>Branch</source>
        <translation>分支</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="465"/>
        <source>This run was made with {0}, which is not loaded. Load it to branch?</source>
        <translation>这次运行使用的是 {0}，它当前未加载。加载它以便分支吗？</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="474"/>
        <source>This history database cannot be used: {0}</source>
        <translation>无法使用此历史数据库：{0}</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="486"/>
        <source>History database</source>
        <translation>历史数据库</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="552"/>
        <source>About Prompt Workbench</source>
        <translation>关于提示词工作台</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="553"/>
        <source>Prompt Workbench {0}: see what a local language model does with your prompt. llama.cpp through llama-cpp-python {1}.</source>
        <translation>提示词工作台 {0}：看清本地语言模型如何处理你的提示词。通过 llama-cpp-python {1} 使用 llama.cpp。</translation>
    </message>
</context>
<context>
    <name>MessageRow</name>
    <message>
        <location filename="../editors.py" line="57"/>
        <source>user</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../editors.py" line="57"/>
        <source>assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../editors.py" line="57"/>
        <source>system</source>
        <translation>系统</translation>
    </message>
</context>
<context>
    <name>ModelController</name>
    <message>
        <location filename="../model_controller.py" line="58"/>
        <source>A model is already loading. Wait for it or cancel it first.</source>
        <translation>已有模型正在加载。请等待或先取消。</translation>
    </message>
    <message>
        <location filename="../model_controller.py" line="61"/>
        <source>The engine is busy; stop the current run before loading another model.</source>
        <translation>引擎正忙；请先停止当前运行再加载其他模型。</translation>
    </message>
    <message>
        <location filename="../model_controller.py" line="88"/>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
</context>
<context>
    <name>ModelManagerDialog</name>
    <message>
        <location filename="../model_manager.py" line="259"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="261"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="261"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="261"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="261"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="262"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="262"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="262"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="264"/>
        <source>Open file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="265"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="266"/>
        <source>Remove folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="267"/>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="268"/>
        <source>Model folders (scanned for .gguf files):</source>
        <translation>模型文件夹（扫描其中的 .gguf 文件）：</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="269"/>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="270"/>
        <source>Chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="271"/>
        <source>Load settings</source>
        <translation>加载设置</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="274"/>
        <source>GPU offload (layers)</source>
        <translation>GPU 卸载（层数）</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="274"/>
        <source>Context (tokens)</source>
        <translation>上下文（词元）</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="274"/>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="275"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="275"/>
        <source>Memory-map the file</source>
        <translation>内存映射文件</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="275"/>
        <source>Lock in RAM (mlock)</source>
        <translation>锁定在内存中 (mlock)</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="276"/>
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="279"/>
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="279"/>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="279"/>
        <source>Auto (off on CPU)</source>
        <translation>自动（CPU 上关闭）</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="281"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="282"/>
        <source>Cancel loading</source>
        <translation>取消加载</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="335"/>
        <source>loaded now</source>
        <translation>当前已加载</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="372"/>
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="377"/>
        <source>Add a model folder</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="400"/>
        <source>(this model has no chat template)</source>
        <translation>（该模型没有对话模板）</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="439"/>
        <source>GPU offload is off: this llama.cpp build has no GPU support. Rebuild with `make run GPU=cuda`.</source>
        <translation>GPU 卸载不可用：当前 llama.cpp 构建不支持 GPU。请用 `make run GPU=cuda` 重新构建。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="453"/>
        <source>This context is longer than the model was trained for ({0} tokens); quality will drop past it.</source>
        <translation>该上下文长于模型训练长度（{0} 个词元）；超出部分质量会下降。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="457"/>
        <source>Needs about {0} (weights {1} + KV cache {2} + buffers {3}).</source>
        <translation>约需 {0}（权重 {1} + KV 缓存 {2} + 缓冲区 {3}）。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="462"/>
        <source>RAM: {0} needed, {1} free.</source>
        <translation>内存：需要 {0}，可用 {1}。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="466"/>
        <source>VRAM: {0} needed, {1} free.</source>
        <translation>显存：需要 {0}，可用 {1}。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="469"/>
        <source>VRAM: {0} needed.</source>
        <translation>显存：需要 {0}。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="471"/>
        <source>This will probably not fit: lower the context or the GPU layers.</source>
        <translation>可能放不下：请减小上下文或 GPU 层数。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="486"/>
        <source>Choose a model first.</source>
        <translation>请先选择一个模型。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="489"/>
        <source>A model is already loading. Wait for it or cancel it first.</source>
        <translation>已有模型正在加载。请等待或先取消。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="494"/>
        <source>Context longer than trained</source>
        <translation>上下文超过训练长度</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="495"/>
        <source>The model was trained for {0} tokens; {1} may give poor output past that. Load anyway?</source>
        <translation>模型训练长度为 {0} 个词元；使用 {1} 时超出部分输出可能较差。仍要加载吗？</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="501"/>
        <source>Not enough memory</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="501"/>
        <source>The estimate says this will not fit in memory. Load anyway?</source>
        <translation>估算显示内存放不下。仍要加载吗？</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="505"/>
        <source>The engine is busy generating. Stop the run first.</source>
        <translation>引擎正在生成。请先停止运行。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="534"/>
        <source>Try fewer GPU layers or a smaller context; if the file is damaged, download it again.</source>
        <translation>请尝试减少 GPU 层数或减小上下文；如果文件损坏，请重新下载。</translation>
    </message>
    <message>
        <location filename="../model_manager.py" line="539"/>
        <source>Loading was cancelled.</source>
        <translation>已取消加载。</translation>
    </message>
</context>
<context>
    <name>NextTokenPanel</name>
    <message>
        <location filename="../next_token_panel.py" line="151"/>
        <source>Next token</source>
        <translation>下一个词元</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="152"/>
        <source>The distribution of the next token after the prompt</source>
        <translation>提示词之后下一个词元的概率分布</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="153"/>
        <source>Undo step</source>
        <translation>撤销一步</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="154"/>
        <source>Clear steps</source>
        <translation>清除步骤</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="155"/>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="217"/>
        <source>Appended by hand: {0}</source>
        <translation>手动追加：{0}</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="230"/>
        <source>{0} prompt tokens · entropy {1} nats · {2} tokens can be drawn · {3}% outside the top {4}</source>
        <translation>提示词 {0} 个词元 · 熵 {1} nats · 可抽取 {2} 个词元 · 前 {4} 名之外共 {3}%</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="234"/>
        <source>Survivors: {0}</source>
        <translation>各阶段保留：{0}</translation>
    </message>
    <message>
        <location filename="../next_token_panel.py" line="235"/>
        <source>The prompt is empty: this is what the model predicts after its start token {0}.</source>
        <translation>提示为空：这是模型在其起始标记 {0} 之后预测的分布。</translation>
    </message>
</context>
<context>
    <name>OutputView</name>
    <message>
        <location filename="../output_view.py" line="57"/>
        <source>Output appears here, each token tinted by how likely the model thought it was.</source>
        <translation>输出显示在这里，每个词元按模型认为的可能性着色。</translation>
    </message>
    <message>
        <location filename="../output_view.py" line="132"/>
        <source>Branch here with</source>
        <translation>从此处分支为</translation>
    </message>
    <message>
        <location filename="../output_view.py" line="133"/>
        <source>Continue from token {0} with:</source>
        <translation>从第 {0} 个词元起继续，改用：</translation>
    </message>
</context>
<context>
    <name>PromptEditors</name>
    <message>
        <location filename="../editors.py" line="147"/>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../editors.py" line="148"/>
        <source>Completion</source>
        <translation>续写</translation>
    </message>
    <message>
        <location filename="../editors.py" line="149"/>
        <source>Raw text for the model to continue. Ctrl+Enter runs it.</source>
        <translation>供模型续写的原始文本。按 Ctrl+Enter 运行。</translation>
    </message>
</context>
<context>
    <name>ResamplePanel</name>
    <message>
        <location filename="../resample_panel.py" line="78"/>
        <source>Runs:</source>
        <translation>次数：</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="79"/>
        <source>Resample</source>
        <translation>重复采样</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="80"/>
        <source>Run the prompt this many times with the current sampler</source>
        <translation>用当前采样设置将提示词运行这么多次</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="81"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="82"/>
        <location filename="../resample_panel.py" line="83"/>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="82"/>
        <location filename="../resample_panel.py" line="83"/>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="82"/>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="83"/>
        <source>First token</source>
        <translation>第一个词元</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="129"/>
        <source>{0} runs · {1} distinct outputs · {2} distinct first tokens</source>
        <translation>{0} 次运行 · {1} 种不同输出 · {2} 种不同的第一个词元</translation>
    </message>
    <message>
        <location filename="../resample_panel.py" line="137"/>
        <source>stopped after {0} runs</source>
        <translation>{0} 次运行后停止</translation>
    </message>
</context>
<context>
    <name>RunController</name>
    <message>
        <location filename="../run_controller.py" line="86"/>
        <source>The history database is unavailable, so its templates are too.</source>
        <translation>历史数据库不可用，因此其中的模板也不可用。</translation>
    </message>
    <message>
        <location filename="../run_controller.py" line="110"/>
        <source>The prompt is empty. Type something to send to the model.</source>
        <translation>提示词为空。请输入要发送给模型的内容。</translation>
    </message>
    <message>
        <location filename="../run_controller.py" line="185"/>
        <source>The context is full ({0} tokens): the output stopped there. Load the model with a larger context (Models…).</source>
        <translation>上下文已满（{0} 个词元）：输出在此停止。请用更大的上下文加载模型（模型…）。</translation>
    </message>
    <message>
        <location filename="../run_controller.py" line="226"/>
        <source>main</source>
        <translation>主线</translation>
    </message>
    <message>
        <location filename="../run_controller.py" line="333"/>
        <source>Load a model first (and wait for the current run to end).</source>
        <translation>请先加载模型（并等待当前运行结束）。</translation>
    </message>
</context>
<context>
    <name>SamplingPanel</name>
    <message>
        <location filename="../sampling_panel.py" line="116"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="117"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="118"/>
        <source>Save the current settings as a named preset</source>
        <translation>将当前设置保存为命名预设</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="119"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="120"/>
        <source>Delete the selected preset (built-in presets stay)</source>
        <translation>删除所选预设（内置预设不可删除）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="122"/>
        <source>&amp;Temperature</source>
        <translation>温度(&amp;T)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="122"/>
        <source>0 = always the most likely token; higher = more random</source>
        <translation>0 = 总是选择最可能的词元；越高越随机</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="123"/>
        <source>Top-&amp;k</source>
        <translation>Top-&amp;k</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="123"/>
        <source>Keep only the K most likely tokens (0 = off)</source>
        <translation>只保留概率最高的 K 个词元（0 = 关闭）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="124"/>
        <source>Top-&amp;p</source>
        <translation>Top-&amp;p</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="124"/>
        <source>Keep the most likely tokens up to this total probability (1 = off)</source>
        <translation>保留累计概率达到该值的最可能词元（1 = 关闭）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="125"/>
        <source>&amp;Min-p</source>
        <translation>Min-p(&amp;M)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="125"/>
        <source>Drop tokens less likely than this fraction of the best one (0 = off)</source>
        <translation>丢弃概率低于最佳词元该比例的词元（0 = 关闭）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="126"/>
        <source>&amp;Repeat penalty</source>
        <translation>重复惩罚(&amp;R)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="126"/>
        <source>Penalise tokens used in the last 64 (1 = off)</source>
        <translation>惩罚最近 64 个词元中出现过的词元（1 = 关闭）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="128"/>
        <source>A fixed seed makes a run repeat exactly; after a run this shows the seed it used</source>
        <translation>固定种子可让运行完全重现；每次运行后这里显示所用的种子</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="127"/>
        <source>Stop after this many tokens</source>
        <translation>生成这么多词元后停止</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="127"/>
        <source>Ma&amp;x tokens</source>
        <translation>最大词元数(&amp;X)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="128"/>
        <source>&amp;Seed</source>
        <translation>随机种子(&amp;S)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="129"/>
        <source>St&amp;op strings</source>
        <translation>停止字符串(&amp;O)</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="129"/>
        <source>One per line (\n for a newline); generation stops when one appears</source>
        <translation>每行一个（\n 表示换行）；出现时停止生成</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="134"/>
        <source>fixed</source>
        <translation>固定</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="135"/>
        <source>Tick to reuse the seed shown; untick for a new random seed each run</source>
        <translation>勾选以复用显示的种子；取消勾选则每次使用新的随机种子</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="136"/>
        <source>(custom settings)</source>
        <translation>（自定义设置）</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="183"/>
        <source>Deterministic</source>
        <translation>确定性</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="183"/>
        <source>Balanced</source>
        <translation>均衡</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="183"/>
        <source>Creative</source>
        <translation>创意</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="223"/>
        <location filename="../sampling_panel.py" line="229"/>
        <source>Save preset</source>
        <translation>保存预设</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="223"/>
        <source>Preset name:</source>
        <translation>预设名称：</translation>
    </message>
    <message>
        <location filename="../sampling_panel.py" line="236"/>
        <source>Delete preset</source>
        <translation>删除预设</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../dialogs.py" line="51"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="54"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../dialogs.py" line="54"/>
        <source>Shortcut</source>
        <translation>快捷键</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../status_bar.py" line="46"/>
        <source>History unavailable</source>
        <translation>历史记录不可用</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="47"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="50"/>
        <location filename="../status_bar.py" line="80"/>
        <source>No model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="53"/>
        <source>%v / %m tokens</source>
        <translation>%v / %m 词元</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="53"/>
        <source>no model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="60"/>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="95"/>
        <source>{0} prompt tokens of a {1}-token context</source>
        <translation>提示词 {0} 个词元，上下文共 {1} 个词元</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="98"/>
        <source>generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="102"/>
        <source>prompt {0} tokens in {1} ms</source>
        <translation>提示词 {0} 个词元，用时 {1} 毫秒</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="104"/>
        <source>{0} tokens · {1} tok/s · seed {2}</source>
        <translation>{0} 个词元 · {1} 词元/秒 · 种子 {2}</translation>
    </message>
    <message>
        <location filename="../status_bar.py" line="105"/>
        <source> · stopped</source>
        <translation> · 已停止</translation>
    </message>
</context>
<context>
    <name>SurprisalPanel</name>
    <message>
        <location filename="../surprisal_panel.py" line="48"/>
        <source>Score the prompt</source>
        <translation>为提示词打分</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="49"/>
        <source>How surprising the model finds each token of the exact prompt</source>
        <translation>模型对实际提示词中每个词元的意外程度</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="51"/>
        <source>Red tokens surprised the model; the first token has no context to be scored by.</source>
        <translation>红色词元让模型感到意外；第一个词元之前没有上下文，无法打分。</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="83"/>
        <source>Perplexity {0} over {1} tokens.</source>
        <translation>{1} 个词元的困惑度为 {0}。</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="87"/>
        <source>Most surprising: {0}.</source>
        <translation>最意外的：{0}。</translation>
    </message>
    <message>
        <location filename="../surprisal_panel.py" line="91"/>
        <source>The prompt is longer than the context: scored in {0} windows of {1} tokens.</source>
        <translation>提示词长于上下文：分 {0} 个窗口打分，每个 {1} 个词元。</translation>
    </message>
</context>
<context>
    <name>TemplateEditor</name>
    <message>
        <location filename="../template_editor.py" line="89"/>
        <source>Declare the variables the texts use</source>
        <translation>声明文本中用到的变量</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="100"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="101"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="102"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="103"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="106"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="107"/>
        <source>Body (Jinja: {{ variable }})</source>
        <translation>正文（Jinja：{{ variable }}）</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="110"/>
        <source>- name: review
  default: &quot;...&quot;   # leave out: the value is required
  description: ...</source>
        <translation>- name: review
  default: &quot;...&quot;   # 省略则此变量必填
  description: ...</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="114"/>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="115"/>
        <source>Variables</source>
        <translation>变量</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="116"/>
        <source>Worked examples</source>
        <translation>示例（含推理）</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="117"/>
        <source>Variants</source>
        <translation>变体</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="126"/>
        <source>What changed</source>
        <translation>改动说明</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="130"/>
        <source>New template</source>
        <translation>新建模板</translation>
    </message>
    <message>
        <location filename="../template_editor.py" line="130"/>
        <source>New version of {0}</source>
        <translation>{0} 的新版本</translation>
    </message>
</context>
<context>
    <name>TokenLab</name>
    <message>
        <location filename="../token_lab.py" line="365"/>
        <source>Type or paste text to see how each tokenizer cuts it.</source>
        <translation>输入或粘贴文本，查看每个分词器如何切分它。</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="366"/>
        <location filename="../token_lab.py" line="716"/>
        <source>Import .tiktoken…</source>
        <translation>导入 .tiktoken…</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="367"/>
        <location filename="../token_lab.py" line="719"/>
        <location filename="../token_lab.py" line="724"/>
        <source>Open text file…</source>
        <translation>打开文本文件…</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="368"/>
        <source>Copy ids</source>
        <translation>复制 ID</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="369"/>
        <source>Show whitespace</source>
        <translation>显示空白字符</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="370"/>
        <source>Decode ids:</source>
        <translation>解码 ID：</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="371"/>
        <source>e.g. [9906, 1917]</source>
        <translation>例如 [9906, 1917]</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="372"/>
        <source>Decode</source>
        <translation>解码</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="380"/>
        <source>Model: {0}</source>
        <translation>模型：{0}</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="380"/>
        <source>Model (none loaded)</source>
        <translation>模型（未加载）</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="432"/>
        <source>Model tokenizer unavailable: no model is loaded. tiktoken encodings still work.</source>
        <translation>模型分词器不可用：未加载模型。tiktoken 编码仍可使用。</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="444"/>
        <source>The text has {0} characters; tokens are shown for the first {1}.</source>
        <translation>文本共 {0} 个字符；仅显示前 {1} 个字符的词元。</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="547"/>
        <source>{0} tokens · {1} chars/token · {2} bytes/token · {3} partial</source>
        <translation>{0} 个词元 · 每词元 {1} 个字符 · 每词元 {2} 字节 · {3} 个不完整</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="550"/>
        <source>{0} characters the vocabulary cannot represent (red)</source>
        <translation>{0} 个字符无法用该词表表示（红色）</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="595"/>
        <source>{0} tokens share {1}</source>
        <translation>{0} 个词元共同组成 {1}</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="699"/>
        <source>Only the first 16 MB of the file were read.</source>
        <translation>只读取了文件的前 16 MB。</translation>
    </message>
    <message>
        <location filename="../token_lab.py" line="710"/>
        <source>Import a .tiktoken file</source>
        <translation>导入 .tiktoken 文件</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../app.py" line="43"/>
        <source>The last model, {0}, is no longer there; loaded the bundled model.</source>
        <translation>上次使用的模型 {0} 已不存在；已加载内置模型。</translation>
    </message>
</context>
</TS>
