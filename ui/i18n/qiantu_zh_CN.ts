<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>QianTu</name>
    <message>
      <source>Search by name (中文 or English)</source>
      <translation>搜索名称（中文或英文）</translation>
    </message>
    <message>
      <source>Theme</source>
      <translation>主题</translation>
    </message>
    <message>
      <source>Prefecture</source>
      <translation>地区</translation>
    </message>
    <message>
      <source>Level</source>
      <translation>等级</translation>
    </message>
    <message>
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <source>Other name</source>
      <translation>英文名</translation>
    </message>
    <message>
      <source>All</source>
      <translation>全部</translation>
    </message>
    <message>
      <source>Guizhou (all)</source>
      <translation>贵州（全部）</translation>
    </message>
    <message>
      <source>{0} / {1} places</source>
      <translation>显示 {0} / {1} 处</translation>
    </message>
    <message>
      <source>Change a rate…</source>
      <translation>修改费率…</translation>
    </message>
    <message>
      <source>Set any rate for this package only (double-click a line to change its rate)</source>
      <translation>仅为本行程修改任一费率（双击某行可修改其费率）</translation>
    </message>
    <message>
      <source>Reset rates</source>
      <translation>恢复默认费率</translation>
    </message>
    <message>
      <source>none</source>
      <translation>不设</translation>
    </message>
    <message>
      <source> paying</source>
      <translation> 人付费</translation>
    </message>
    <message>
      <source>e.g. USD=7.10 (CNY per unit)</source>
      <translation>如 USD=7.10（每单位合人民币）</translation>
    </message>
    <message>
      <source>Economy</source>
      <translation>经济型</translation>
    </message>
    <message>
      <source>Comfort</source>
      <translation>舒适型</translation>
    </message>
    <message>
      <source>Premium</source>
      <translation>高档型</translation>
    </message>
    <message>
      <source>Automatic (by group size)</source>
      <translation>自动（按人数）</translation>
    </message>
    <message>
      <source>rates</source>
      <translation>费率表</translation>
    </message>
    <message>
      <source>changed for this package</source>
      <translation>本团改价</translation>
    </message>
    <message>
      <source>Change a rate</source>
      <translation>修改费率</translation>
    </message>
    <message>
      <source>Rate key (e.g. meals_per_person_day_cny, hotels.A.comfort, vehicles.coach-33.per_day_cny)</source>
      <translation>费率键（如 meals_per_person_day_cny、hotels.A.comfort、vehicles.coach-33.per_day_cny）</translation>
    </message>
    <message>
      <source>Adults</source>
      <translation>成人</translation>
    </message>
    <message>
      <source>Children (6-18)</source>
      <translation>儿童（6–18 岁）</translation>
    </message>
    <message>
      <source>Seniors (60+)</source>
      <translation>老人（60 岁以上）</translation>
    </message>
    <message>
      <source>Hotel class</source>
      <translation>酒店档次</translation>
    </message>
    <message>
      <source>Vehicle</source>
      <translation>车辆</translation>
    </message>
    <message>
      <source>Margin (%)</source>
      <translation>利润率（%）</translation>
    </message>
    <message>
      <source>One free place per</source>
      <translation>免费名额：每</translation>
    </message>
    <message>
      <source>Second currency</source>
      <translation>第二币种</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>项目</translation>
    </message>
    <message>
      <source>Qty</source>
      <translation>数量</translation>
    </message>
    <message>
      <source>Unit CNY</source>
      <translation>单价（元）</translation>
    </message>
    <message>
      <source>Amount CNY</source>
      <translation>金额（元）</translation>
    </message>
    <message>
      <source>Per person</source>
      <translation>人均</translation>
    </message>
    <message>
      <source>Rate basis</source>
      <translation>价格依据</translation>
    </message>
    <message>
      <source>Group</source>
      <translation>人数</translation>
    </message>
    <message>
      <source>Vehicles</source>
      <translation>车辆</translation>
    </message>
    <message>
      <source>Price per person</source>
      <translation>人均报价</translation>
    </message>
    <message>
      <source>Optimize the trip to see its price.</source>
      <translation>优化行程后即可看到报价。</translation>
    </message>
    <message>
      <source>Net {0:,.0f} CNY · margin {1:g}% {2:,.0f} · selling price {3:,.0f} CNY · {4:,.0f} CNY per person ({5} travellers)</source>
      <translation>成本 {0:,.0f} 元 · 利润 {1:g}% {2:,.0f} 元 · 售价 {3:,.0f} 元 · 人均 {4:,.0f} 元（{5} 人）</translation>
    </message>
    <message>
      <source>adult</source>
      <translation>成人</translation>
    </message>
    <message>
      <source>child</source>
      <translation>儿童</translation>
    </message>
    <message>
      <source>senior</source>
      <translation>长者</translation>
    </message>
    <message>
      <source>Change costing</source>
      <translation>修改报价设置</translation>
    </message>
    <message>
      <source>attraction catalog</source>
      <translation>景点目录</translation>
    </message>
    <message>
      <source>vehicle rates</source>
      <translation>车辆费率表</translation>
    </message>
    <message>
      <source>hotel rates</source>
      <translation>酒店费率表</translation>
    </message>
    <message>
      <source>guide rates</source>
      <translation>导游费率表</translation>
    </message>
    <message>
      <source>rail fares</source>
      <translation>高铁票价表</translation>
    </message>
    <message>
      <source>rail rate per km</source>
      <translation>高铁每公里票价</translation>
    </message>
    <message>
      <source>rate settings</source>
      <translation>费率设置</translation>
    </message>
    <message>
      <source>New value for {0}</source>
      <translation>{0} 的新值</translation>
    </message>
    <message>
      <source>{0} free, paid by the other {1}</source>
      <translation>{0} 人免费，由其余 {1} 人分摊</translation>
    </message>
    <message>
      <source>single supplement {0:,.0f} CNY</source>
      <translation>单房差 {0:,.0f} 元</translation>
    </message>
    <message>
      <source>{0} ({1} seats)</source>
      <translation>{0}（{1} 座）</translation>
    </message>
    <message>
      <source>Kind</source>
      <translation>类型</translation>
    </message>
    <message>
      <source>Themes</source>
      <translation>主题</translation>
    </message>
    <message>
      <source>Position</source>
      <translation>位置</translation>
    </message>
    <message>
      <source>Hours</source>
      <translation>开放时间</translation>
    </message>
    <message>
      <source>Visit</source>
      <translation>游览时长</translation>
    </message>
    <message>
      <source>Overnight</source>
      <translation>住宿</translation>
    </message>
    <message>
      <source>hotels</source>
      <translation>可住宿</translation>
    </message>
    <message>
      <source>Season</source>
      <translation>季节</translation>
    </message>
    <message>
      <source>Sources</source>
      <translation>来源</translation>
    </message>
    <message>
      <source>not stated</source>
      <translation>未注明</translation>
    </message>
    <message>
      <source>Closed</source>
      <translation>闭馆</translation>
    </message>
    <message>
      <source>Ticket</source>
      <translation>门票</translation>
    </message>
    <message>
      <source>free</source>
      <translation>免费</translation>
    </message>
    <message>
      <source>{0} min</source>
      <translation>{0} 分钟</translation>
    </message>
    <message>
      <source>Select a place in the list or on the map.</source>
      <translation>在列表或地图上选择一个地点。</translation>
    </message>
    <message>
      <source>Edit stop</source>
      <translation>修改站点</translation>
    </message>
    <message>
      <source>Reorder stops</source>
      <translation>调整站点顺序</translation>
    </message>
    <message>
      <source>Optimize</source>
      <translation>优化行程</translation>
    </message>
    <message>
      <source>Set must-see</source>
      <translation>设为必去</translation>
    </message>
    <message>
      <source>Set priority</source>
      <translation>修改优先级</translation>
    </message>
    <message>
      <source>Set visit time</source>
      <translation>修改游览时长</translation>
    </message>
    <message>
      <source>Set order constraint</source>
      <translation>修改先后约束</translation>
    </message>
    <message>
      <source>Pin to day</source>
      <translation>固定到某天</translation>
    </message>
    <message>
      <source>Edit the trip</source>
      <translation>修改行程</translation>
    </message>
    <message>
      <source>Add stop</source>
      <translation>添加站点</translation>
    </message>
    <message>
      <source>Remove stop</source>
      <translation>移除站点</translation>
    </message>
    <message>
      <source>Unpin</source>
      <translation>取消固定</translation>
    </message>
    <message>
      <source>Edit the costs</source>
      <translation>修改费用</translation>
    </message>
    <message>
      <source>Edit the tour details</source>
      <translation>修改团队信息</translation>
    </message>
    <message>
      <source>Add {0} stops</source>
      <translation>添加 {0} 个站点</translation>
    </message>
    <message>
      <source>Remove {0} stops</source>
      <translation>删除 {0} 个站点</translation>
    </message>
    <message>
      <source>Pin to day {0}</source>
      <translation>固定到第 {0} 天</translation>
    </message>
    <message>
      <source>Lock day {0}</source>
      <translation>锁定第 {0} 天</translation>
    </message>
    <message>
      <source>Unlock day {0}</source>
      <translation>解锁第 {0} 天</translation>
    </message>
    <message>
      <source>Print preview</source>
      <translation>打印预览</translation>
    </message>
    <message>
      <source>Itinerary for the client (PDF)</source>
      <translation>客人行程单（PDF）</translation>
    </message>
    <message>
      <source>Internal itinerary with costs (PDF)</source>
      <translation>内部行程单（含成本，PDF）</translation>
    </message>
    <message>
      <source>Tour order sheet for guide and driver (XLSX)</source>
      <translation>派团单（导游与司机，XLSX）</translation>
    </message>
    <message>
      <source>Excel workbook (XLSX)</source>
      <translation>Excel 工作簿（XLSX）</translation>
    </message>
    <message>
      <source>GPX for the driver (GPX)</source>
      <translation>司机导航（GPX）</translation>
    </message>
    <message>
      <source>Google Earth (KML)</source>
      <translation>Google 地球（KML）</translation>
    </message>
    <message>
      <source>GeoJSON for GIS</source>
      <translation>GIS 用 GeoJSON</translation>
    </message>
    <message>
      <source>Calendar for the guide (ICS)</source>
      <translation>导游日历（ICS）</translation>
    </message>
    <message>
      <source>Interactive map (HTML)</source>
      <translation>交互地图（HTML）</translation>
    </message>
    <message>
      <source>Optimize the trip first: there is no plan to export.</source>
      <translation>请先优化行程：还没有可导出的计划。</translation>
    </message>
    <message>
      <source>Exported {0}</source>
      <translation>已导出 {0}</translation>
    </message>
    <message>
      <source>Export cancelled.</source>
      <translation>导出已取消。</translation>
    </message>
    <message>
      <source>Exporting {0}…</source>
      <translation>正在导出 {0}…</translation>
    </message>
    <message>
      <source>Exporting {0}… {1:.0f}%</source>
      <translation>正在导出 {0}… {1:.0f}%</translation>
    </message>
    <message>
      <source>drive</source>
      <translation>驾车</translation>
    </message>
    <message>
      <source>road + rail</source>
      <translation>公路 + 高铁</translation>
    </message>
    <message>
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>What</source>
      <translation>内容</translation>
    </message>
    <message>
      <source>Details</source>
      <translation>说明</translation>
    </message>
    <message>
      <source>Add stops and press Optimize.</source>
      <translation>添加站点后点击“优化行程”。</translation>
    </message>
    <message>
      <source>The trip was edited after this plan was made: press Optimize to update.</source>
      <translation>行程已修改，此计划已过期：请重新优化。</translation>
    </message>
    <message>
      <source>Day {0} · {1}</source>
      <translation>第 {0} 天 · {1}</translation>
    </message>
    <message>
      <source>{0} → {1} · drive {2:.1f} h · {3:.0f} km</source>
      <translation>{0} → {1} · 驾车 {2:.1f} 小时 · {3:.0f} 公里</translation>
    </message>
    <message>
      <source>Dinner: {0}</source>
      <translation>晚餐：{0}</translation>
    </message>
    <message>
      <source>Evening show: {0}</source>
      <translation>晚间演出：{0}</translation>
    </message>
    <message>
      <source> (estimate)</source>
      <translation>（估算）</translation>
    </message>
    <message>
      <source>Left out ({0})</source>
      <translation>未安排（{0}）</translation>
    </message>
    <message>
      <source>{0} {1} min · {2:.0f} km</source>
      <translation>{0} {1} 分钟 · {2:.0f} 公里</translation>
    </message>
    <message>
      <source>Lunch</source>
      <translation>午餐</translation>
    </message>
    <message>
      <source>Overnight: </source>
      <translation>住宿：</translation>
    </message>
    <message>
      <source>open </source>
      <translation>开放 </translation>
    </message>
    <message>
      <source>arrives {0}, waits {1} min</source>
      <translation>{0} 到达，等待 {1} 分钟</translation>
    </message>
    <message>
      <source>QianTu</source>
      <translation>黔途</translation>
    </message>
    <message>
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <source>&amp;New</source>
      <translation>新建(&amp;N)</translation>
    </message>
    <message>
      <source>&amp;Open…</source>
      <translation>打开(&amp;O)…</translation>
    </message>
    <message>
      <source>Open &amp;Recent</source>
      <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
      <source>&amp;Save</source>
      <translation>保存(&amp;S)</translation>
    </message>
    <message>
      <source>Save &amp;As…</source>
      <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
      <source>&amp;Export</source>
      <translation>导出(&amp;E)</translation>
    </message>
    <message>
      <source>Print Pre&amp;view…</source>
      <translation>打印预览(&amp;V)…</translation>
    </message>
    <message>
      <source>&amp;Edit</source>
      <translation>编辑(&amp;E)</translation>
    </message>
    <message>
      <source>&amp;Undo</source>
      <translation>撤销(&amp;U)</translation>
    </message>
    <message>
      <source>&amp;Redo</source>
      <translation>重做(&amp;R)</translation>
    </message>
    <message>
      <source>Add selected place to trip</source>
      <translation>将所选地点加入行程</translation>
    </message>
    <message>
      <source>Move stop up</source>
      <translation>站点上移</translation>
    </message>
    <message>
      <source>Move stop down</source>
      <translation>站点下移</translation>
    </message>
    <message>
      <source>&amp;Optimize</source>
      <translation>优化行程(&amp;O)</translation>
    </message>
    <message>
      <source>Show the &amp;plan on the map</source>
      <translation>地图显示行程(&amp;P)</translation>
    </message>
    <message>
      <source>Trip</source>
      <translation>行程设置</translation>
    </message>
    <message>
      <source>Itinerary</source>
      <translation>日程</translation>
    </message>
    <message>
      <source>Costs</source>
      <translation>报价</translation>
    </message>
    <message>
      <source>Tour details</source>
      <translation>团队信息</translation>
    </message>
    <message>
      <source>Long March timeline</source>
      <translation>长征时间线</translation>
    </message>
    <message>
      <source>Red-route &amp;report…</source>
      <translation>红色线路报告(&amp;R)…</translation>
    </message>
    <message>
      <source>New from &amp;preset</source>
      <translation>从预设线路新建(&amp;P)</translation>
    </message>
    <message>
      <source>&amp;Quit</source>
      <translation>退出(&amp;Q)</translation>
    </message>
    <message>
      <source>&amp;View</source>
      <translation>视图(&amp;V)</translation>
    </message>
    <message>
      <source>&amp;Language</source>
      <translation>语言(&amp;L)</translation>
    </message>
    <message>
      <source>Map &amp;tiles</source>
      <translation>底图(&amp;T)</translation>
    </message>
    <message>
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <source>&amp;About QianTu</source>
      <translation>关于黔途(&amp;A)</translation>
    </message>
    <message>
      <source>Places</source>
      <translation>地点</translation>
    </message>
    <message>
      <source>Place details</source>
      <translation>详情</translation>
    </message>
    <message>
      <source>Optimizing…</source>
      <translation>正在优化…</translation>
    </message>
    <message>
      <source>optimal</source>
      <translation>最优</translation>
    </message>
    <message>
      <source>feasible</source>
      <translation>可行</translation>
    </message>
    <message>
      <source>infeasible</source>
      <translation>不可行</translation>
    </message>
    <message>
      <source>no complete plan found in the time</source>
      <translation>时限内未找到完整方案</translation>
    </message>
    <message>
      <source> · edited since</source>
      <translation> · 已修改</translation>
    </message>
    <message>
      <source>Untitled</source>
      <translation>未命名</translation>
    </message>
    <message>
      <source>The trip has unsaved changes. Save them?</source>
      <translation>行程有未保存的修改，是否保存？</translation>
    </message>
    <message>
      <source>Open trip</source>
      <translation>打开行程</translation>
    </message>
    <message>
      <source>Save trip</source>
      <translation>保存行程</translation>
    </message>
    <message>
      <source>QianTu plans Guizhou tour packages and red-tourism routes.
Data: see the Details pane for each place's sources.</source>
      <translation>黔途：贵州旅游线路与红色旅游线路规划。
数据来源见每个地点的详情。</translation>
    </message>
    <message>
      <source>The unsaved trip was restored.</source>
      <translation>已恢复未保存的行程。</translation>
    </message>
    <message>
      <source>Map: </source>
      <translation>底图：</translation>
    </message>
    <message>
      <source>Click the map where the trip starts.</source>
      <translation>请在地图上点击出发地点。</translation>
    </message>
    <message>
      <source>Click the map where the trip ends.</source>
      <translation>请在地图上点击结束地点。</translation>
    </message>
    <message>
      <source>Only attractions can be stops.</source>
      <translation>只有景点可以加入行程。</translation>
    </message>
    <message>
      <source>Re-time in the new order</source>
      <translation>按新顺序重新排时</translation>
    </message>
    <message>
      <source>Add at least one stop first.</source>
      <translation>请先添加至少一个站点。</translation>
    </message>
    <message>
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <source>Plan ready: </source>
      <translation>行程已生成：</translation>
    </message>
    <message>
      <source>Optimization cancelled.</source>
      <translation>已取消优化。</translation>
    </message>
    <message>
      <source>Saved </source>
      <translation>已保存 </translation>
    </message>
    <message>
      <source>(none)</source>
      <translation>（无）</translation>
    </message>
    <message>
      <source>Added: </source>
      <translation>已加入：</translation>
    </message>
    <message>
      <source>{0} · {1} · drive {2:.1f} h, {3:.0f} km · rail {4:.1f} h · visits {5:.1f} h · {6}</source>
      <translation>{0} · {1} · 驾车 {2:.1f} 小时 {3:.0f} 公里 · 高铁 {4:.1f} 小时 · 游览 {5:.1f} 小时 · {6}</translation>
    </message>
    <message>
      <source>{0} day</source>
      <translation>{0} 天</translation>
    </message>
    <message>
      <source>{0} days</source>
      <translation>{0} 天</translation>
    </message>
    <message>
      <source>{0} stop</source>
      <translation>{0} 个站点</translation>
    </message>
    <message>
      <source>{0} stops</source>
      <translation>{0} 个站点</translation>
    </message>
    <message>
      <source> · ¥{0:,.0f} per person</source>
      <translation> · ¥{0:,.0f}/人</translation>
    </message>
    <message>
      <source>{0} · {1} requested · not optimized yet</source>
      <translation>{0} · 已选 {1} · 尚未优化</translation>
    </message>
    <message>
      <source>({0} day)</source>
      <translation>（{0} 天）</translation>
    </message>
    <message>
      <source>({0} days)</source>
      <translation>（{0} 天）</translation>
    </message>
    <message>
      <source>QianTu was not closed properly. Restore the unsaved trip “{0}” from {1}?</source>
      <translation>黔途上次没有正常关闭。要恢复 {1} 自动保存的未保存行程“{0}”吗？</translation>
    </message>
    <message>
      <source>Preparing the route report…</source>
      <translation>正在生成线路报告…</translation>
    </message>
    <message>
      <source>Red-route report</source>
      <translation>红色线路报告</translation>
    </message>
    <message>
      <source>Save PDF…</source>
      <translation>保存 PDF…</translation>
    </message>
    <message>
      <source>Add the site to the trip</source>
      <translation>将该地点加入行程</translation>
    </message>
    <message>
      <source>Add every site, in order</source>
      <translation>按时间顺序加入全部地点</translation>
    </message>
    <message>
      <source>Date</source>
      <translation>日期</translation>
    </message>
    <message>
      <source>Event</source>
      <translation>事件</translation>
    </message>
    <message>
      <source>Site</source>
      <translation>地点</translation>
    </message>
    <message>
      <source>Agency</source>
      <translation>组团社</translation>
    </message>
    <message>
      <source>Tour code</source>
      <translation>团号</translation>
    </message>
    <message>
      <source>Operator</source>
      <translation>计调</translation>
    </message>
    <message>
      <source>Operator's phone</source>
      <translation>计调电话</translation>
    </message>
    <message>
      <source>Guide</source>
      <translation>导游</translation>
    </message>
    <message>
      <source>Guide's phone</source>
      <translation>导游电话</translation>
    </message>
    <message>
      <source>Driver</source>
      <translation>司机</translation>
    </message>
    <message>
      <source>Driver's phone</source>
      <translation>司机电话</translation>
    </message>
    <message>
      <source>Plate</source>
      <translation>车牌</translation>
    </message>
    <message>
      <source>Tour leader</source>
      <translation>领队</translation>
    </message>
    <message>
      <source>Leader's phone</source>
      <translation>领队电话</translation>
    </message>
    <message>
      <source>Emergency phone</source>
      <translation>紧急联系电话</translation>
    </message>
    <message>
      <source>Notes for guide and driver</source>
      <translation>给导游和司机的备注</translation>
    </message>
    <message>
      <source>e.g. 贵A·12345</source>
      <translation>如 贵A·12345</translation>
    </message>
    <message>
      <source>Hotel and meals per day. A meal left empty is not included once any meal of that day is filled; leave all three empty for the package's standard meals.</source>
      <translation>每日酒店与餐食。当天任一餐已填写时，空着的餐为不含；三餐都空着则按套餐标准。</translation>
    </message>
    <message>
      <source>Change tour details</source>
      <translation>修改团队信息</translation>
    </message>
    <message>
      <source>Hotel</source>
      <translation>酒店</translation>
    </message>
    <message>
      <source>Hotel phone</source>
      <translation>酒店电话</translation>
    </message>
    <message>
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <source>Breakfast</source>
      <translation>早餐</translation>
    </message>
    <message>
      <source>Dinner</source>
      <translation>晚餐</translation>
    </message>
    <message>
      <source>Trains</source>
      <translation>车次</translation>
    </message>
    <message>
      <source>Day {0}</source>
      <translation>第 {0} 天</translation>
    </message>
    <message>
      <source>Start</source>
      <translation>出发地</translation>
    </message>
    <message>
      <source>End</source>
      <translation>结束地</translation>
    </message>
    <message>
      <source>Custom place</source>
      <translation>自定义地点</translation>
    </message>
    <message>
      <source>Latitude (WGS-84)</source>
      <translation>纬度（WGS-84）</translation>
    </message>
    <message>
      <source>Longitude (WGS-84)</source>
      <translation>经度（WGS-84）</translation>
    </message>
    <message>
      <source>{0}: ({1}, {2}) is outside the area QianTu plans in: Guizhou and the Guangzhou–Guilin–Kunming corridor (latitude {3}–{4}, longitude {5}–{6}).</source>
      <translation>{0}：({1}, {2}) 不在黔途的规划范围内：贵州及广州—桂林—昆明沿线（纬度 {3}–{4}，经度 {5}–{6}）。</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <source>Start date</source>
      <translation>出发日期</translation>
    </message>
    <message>
      <source>Days</source>
      <translation>天数</translation>
    </message>
    <message>
      <source>Day hours</source>
      <translation>每日时间</translation>
    </message>
    <message>
      <source>Max drive / day (h)</source>
      <translation>每日驾车上限（小时）</translation>
    </message>
    <message>
      <source>Travel mode</source>
      <translation>交通方式</translation>
    </message>
    <message>
      <source>Group size</source>
      <translation>团队人数</translation>
    </message>
    <message>
      <source>Lunch (min)</source>
      <translation>午餐（分钟）</translation>
    </message>
    <message>
      <source>Budget / person (CNY)</source>
      <translation>人均预算（元）</translation>
    </message>
    <message>
      <source>Plan on real dates (weekly closures apply)</source>
      <translation>按实际日期规划（考虑闭馆日）</translation>
    </message>
    <message>
      <source>no limit</source>
      <translation>不限</translation>
    </message>
    <message>
      <source>Keep my order (re-time only)</source>
      <translation>保持我的顺序（仅重新计算时间）</translation>
    </message>
    <message>
      <source>Follow Long March history (red sites in historical order)</source>
      <translation>按长征历史顺序（红色景点按史实先后）</translation>
    </message>
    <message>
      <source>Red-tourism stops are visited in the order of the events they stand for</source>
      <translation>红色景点按其所代表事件的时间先后游览</translation>
    </message>
    <message>
      <source>Stops (drag to reorder; double-click a place in the list to add)</source>
      <translation>站点（拖动排序；双击左侧地点加入）</translation>
    </message>
    <message>
      <source>Remove</source>
      <translation>移除</translation>
    </message>
    <message>
      <source>After previous</source>
      <translation>排在上一站之后</translation>
    </message>
    <message>
      <source>The selected stop must come after the stop above it</source>
      <translation>所选站点必须在其上一站之后游览</translation>
    </message>
    <message>
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <source>Road</source>
      <translation>公路</translation>
    </message>
    <message>
      <source>Road + high-speed rail</source>
      <translation>公路 + 高铁</translation>
    </message>
    <message>
      <source>Set title</source>
      <translation>修改标题</translation>
    </message>
    <message>
      <source>Set the start</source>
      <translation>设置起点</translation>
    </message>
    <message>
      <source>Set the end</source>
      <translation>设置终点</translation>
    </message>
    <message>
      <source>Set start date</source>
      <translation>修改出发日期</translation>
    </message>
    <message>
      <source>Set days</source>
      <translation>修改天数</translation>
    </message>
    <message>
      <source>Set day hours</source>
      <translation>修改每日时间</translation>
    </message>
    <message>
      <source>Set max drive</source>
      <translation>修改每日最长驾车</translation>
    </message>
    <message>
      <source>Set travel mode</source>
      <translation>修改交通方式</translation>
    </message>
    <message>
      <source>Set group size</source>
      <translation>修改团队人数</translation>
    </message>
    <message>
      <source>Set lunch</source>
      <translation>修改午餐时长</translation>
    </message>
    <message>
      <source>Set budget</source>
      <translation>修改预算</translation>
    </message>
    <message>
      <source>Keep my order</source>
      <translation>保持我的顺序</translation>
    </message>
    <message>
      <source>Follow Long March history</source>
      <translation>按长征历史顺序</translation>
    </message>
    <message>
      <source>Give the place a name.</source>
      <translation>请填写地点名称。</translation>
    </message>
    <message>
      <source>Stop</source>
      <translation>站点</translation>
    </message>
    <message>
      <source>Must</source>
      <translation>必去</translation>
    </message>
    <message>
      <source>Prio.</source>
      <translation>优先</translation>
    </message>
    <message>
      <source>Min</source>
      <translation>分钟</translation>
    </message>
    <message>
      <source>After</source>
      <translation>之后</translation>
    </message>
    <message>
      <source>Day</source>
      <translation>固定日</translation>
    </message>
    <message>
      <source>Move up</source>
      <translation>上移</translation>
    </message>
    <message>
      <source>Move down</source>
      <translation>下移</translation>
    </message>
    <message>
      <source>Custom place…</source>
      <translation>自定义地点…</translation>
    </message>
    <message>
      <source>Pick on the map…</source>
      <translation>在地图上选点…</translation>
    </message>
    <message>
      <source>Same as start</source>
      <translation>同出发地</translation>
    </message>
    <message>
      <source>Anywhere (open end)</source>
      <translation>任意（不返回）</translation>
    </message>
    <message>
      <source>{0}: {1} is pinned to day {2}; unpin it first.</source>
      <translation>{0}：{1} 已固定到第 {2} 天，请先取消固定。</translation>
    </message>
    <message>
      <source>Day: the trip has {0} days; a stop cannot be pinned to day {1}.</source>
      <translation>固定日：行程共 {0} 天，站点不能固定到第 {1} 天。</translation>
    </message>
    <message>
      <source>Pinned to day {0}</source>
      <translation>已固定到第 {0} 天</translation>
    </message>
    <message>
      <source>Priority must be a number ≥ 0.</source>
      <translation>优先级必须是不小于 0 的数字。</translation>
    </message>
    <message>
      <source>Visit time is a whole number of minutes (1–1440).</source>
      <translation>游览时长须为 1–1440 的整数分钟。</translation>
    </message>
    <message>
      <source>a valid value</source>
      <translation>有效的值</translation>
    </message>
    <message>
      <source>a whole number from {0} to {1}</source>
      <translation>{0} 到 {1} 之间的整数</translation>
    </message>
    <message>
      <source>a number from {0} to {1}</source>
      <translation>{0} 到 {1} 之间的数</translation>
    </message>
    <message>
      <source>a real date or time as {0}</source>
      <translation>格式为 {0} 的有效日期或时间</translation>
    </message>
    <message>
      <source>{0}: “{1}” is not {2}.</source>
      <translation>{0}：“{1}”不是{2}。</translation>
    </message>
  </context>
</TS>
