<?xml version="1.0" encoding="UTF-8"?>
<!-- Renders OAI-PMH responses of this gateway as a plain HTML page for people browsing
     the endpoint. Harvesters ignore it. Enabled with GATEWAY_OAI_STYLESHEET=/static/oai.xsl
     XSLT 1.0 cannot percent-encode, so GetRecord links of identifiers holding % & + or #
     are only approximate; the listed identifier text is always exact. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:oai="http://www.openarchives.org/OAI/2.0/"
    xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:oaiid="http://www.openarchives.org/OAI/2.0/oai-identifier"
    exclude-result-prefixes="oai oai_dc dc oaiid">

  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <xsl:variable name="base" select="/oai:OAI-PMH/oai:request"/>

  <xsl:template match="/oai:OAI-PMH">
    <html>
      <head>
        <title>OAI-PMH <xsl:value-of select="oai:request/@verb"/></title>
        <style>
          body { font-family: sans-serif; margin: 2em; max-width: 70em; }
          table { border-collapse: collapse; }
          td, th { border-bottom: 1px solid #ddd; padding: .3em .8em; text-align: left; vertical-align: top; }
          .error { color: #a00; }
          nav a { margin-right: 1em; }
        </style>
      </head>
      <body>
        <nav>
          <a href="{$base}?verb=Identify">Identify</a>
          <a href="{$base}?verb=ListMetadataFormats">ListMetadataFormats</a>
          <a href="{$base}?verb=ListSets">ListSets</a>
          <a href="{$base}?verb=ListIdentifiers&amp;metadataPrefix=oai_dc">ListIdentifiers</a>
          <a href="{$base}?verb=ListRecords&amp;metadataPrefix=oai_dc">ListRecords</a>
        </nav>
        <h1><xsl:value-of select="oai:request/@verb"/></h1>
        <p>Response of <xsl:value-of select="oai:responseDate"/> from <xsl:value-of select="$base"/></p>
        <xsl:apply-templates select="oai:error"/>
        <xsl:apply-templates select="oai:Identify | oai:ListMetadataFormats | oai:ListSets
                                     | oai:ListIdentifiers | oai:ListRecords | oai:GetRecord"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="oai:error">
    <p class="error"><b><xsl:value-of select="@code"/></b>: <xsl:value-of select="."/></p>
  </xsl:template>

  <xsl:template match="oai:Identify">
    <table>
      <xsl:for-each select="*[not(self::oai:description)]">
        <tr><th><xsl:value-of select="local-name()"/></th><td><xsl:value-of select="."/></td></tr>
      </xsl:for-each>
      <xsl:for-each select="oai:description/oaiid:oai-identifier/*">
        <tr><th><xsl:value-of select="local-name()"/></th><td><xsl:value-of select="."/></td></tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template match="oai:ListMetadataFormats">
    <table>
      <tr><th>metadataPrefix</th><th>schema</th><th>namespace</th></tr>
      <xsl:for-each select="oai:metadataFormat">
        <tr>
          <td><a href="{$base}?verb=ListRecords&amp;metadataPrefix={oai:metadataPrefix}">
            <xsl:value-of select="oai:metadataPrefix"/></a></td>
          <td><xsl:value-of select="oai:schema"/></td>
          <td><xsl:value-of select="oai:metadataNamespace"/></td>
        </tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template match="oai:ListSets">
    <table>
      <tr><th>setSpec</th><th>setName</th></tr>
      <xsl:for-each select="oai:set">
        <tr>
          <td><a href="{$base}?verb=ListIdentifiers&amp;metadataPrefix=oai_dc&amp;set={oai:setSpec}">
            <xsl:value-of select="oai:setSpec"/></a></td>
          <td><xsl:value-of select="oai:setName"/></td>
        </tr>
      </xsl:for-each>
    </table>
  </xsl:template>

  <xsl:template match="oai:ListIdentifiers | oai:ListRecords | oai:GetRecord">
    <table>
      <tr><th>identifier</th><th>datestamp</th><th>sets</th><th>title</th></tr>
      <xsl:for-each select=".//oai:header">
        <tr>
          <td>
            <a href="{$base}?verb=GetRecord&amp;metadataPrefix=oai_dc&amp;identifier={oai:identifier}">
              <xsl:value-of select="oai:identifier"/></a>
            <xsl:if test="@status = 'deleted'"> (deleted)</xsl:if>
          </td>
          <td><xsl:value-of select="oai:datestamp"/></td>
          <td><xsl:for-each select="oai:setSpec"><xsl:value-of select="."/><br/></xsl:for-each></td>
          <td><xsl:value-of select="../oai:metadata/oai_dc:dc/dc:title[1]"/></td>
        </tr>
      </xsl:for-each>
    </table>
    <xsl:apply-templates select="oai:resumptionToken"/>
  </xsl:template>

  <xsl:template match="oai:resumptionToken">
    <p>
      <xsl:value-of select="@cursor"/> records before this page of
      <xsl:value-of select="@completeListSize"/>.
      <xsl:if test="string(.)">
        <a href="{$base}?verb={/oai:OAI-PMH/oai:request/@verb}&amp;resumptionToken={.}">Next page</a>
      </xsl:if>
    </p>
  </xsl:template>
</xsl:stylesheet>
